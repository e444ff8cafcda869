import { REJECTED_AMOUNT_KIND, UNATTRIBUTED } from '@ai-margin/conventions';
import { IdempotencyKeys } from '../revenue/idempotency';
import type { RevenueEvent, RevenueOutcome } from '../revenue/types';
import { applyRevenueRules, type RevenueRule } from '../rules/revenue-rules';
import type { AdmittedLabels, Aggregates, SpanOutcome } from './aggregates';
import { isAmount, MAX_AMOUNT_USD } from './amounts';
import type { ProcessorHealth } from './health';
import type { Stamping } from './stamping';

/**
 * Revenue: billing events recorded through the API (counted once per idempotency key) and
 * revenue that rules derive from each priced span.
 */
export class RevenueApi {
  private readonly idempotency: IdempotencyKeys;

  constructor(
    private readonly aggregates: Aggregates,
    private readonly rules: readonly RevenueRule[],
    maxIdempotencyKeys: number,
    private readonly stamping: Stamping,
    private readonly health: ProcessorHealth,
  ) {
    this.idempotency = new IdempotencyKeys(maxIdempotencyKeys);
  }

  /** Records one billing event (see `MarginSpanProcessor.recordRevenue`). */
  record(event: RevenueEvent): Exclude<RevenueOutcome, 'shutdown'> {
    const { customerId, usd, type, idempotencyKey, feature } = event ?? ({} as RevenueEvent);
    if (
      typeof customerId !== 'string' ||
      customerId === '' ||
      typeof type !== 'string' ||
      type === '' ||
      typeof idempotencyKey !== 'string' ||
      idempotencyKey === '' ||
      typeof usd !== 'number' ||
      (feature !== undefined && typeof feature !== 'string')
    ) {
      this.health.diag.warn(
        'record_revenue',
        () =>
          `ai-margin: recordRevenue needs { customerId: string, usd: number in [0, ${MAX_AMOUNT_USD}], type: string, idempotencyKey: string }; event ignored`,
      );
      return 'invalid';
    }
    if (!isAmount(usd)) {
      this.health.reject(REJECTED_AMOUNT_KIND.revenueEvent, usd);
      return 'invalid';
    }
    if (!this.idempotency.firstTime(idempotencyKey)) return 'duplicate';
    this.aggregates.addRevenue(
      this.stamping.pseudonym(customerId),
      feature || UNATTRIBUTED,
      type,
      usd,
    );
    return 'recorded';
  }

  /**
   * Adds the revenue the rules give for one span, under the labels the span was counted with
   * (`admitted`: after the caps).
   */
  applyRules(outcome: SpanOutcome, admitted: AdmittedLabels): void {
    if (this.rules.length === 0) return;
    applyRevenueRules(this.rules, outcome, (revenueType, usd) => {
      if (isAmount(usd)) {
        this.aggregates.addRevenueAdmitted(admitted.customer, admitted.feature, revenueType, usd);
      } else if (usd !== 0) {
        this.health.reject(REJECTED_AMOUNT_KIND.revenueRule, usd);
      }
    });
  }
}
