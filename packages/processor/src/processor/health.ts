import { LABELS, type REJECTED_AMOUNT_KIND } from '@ai-margin/conventions';
import type { SeriesPoint } from './aggregates';
import { MAX_AMOUNT_USD } from './amounts';
import { DiagLimiter } from './diag-limiter';
import type { LabelFix } from './label-values';
import { ErrorBook } from './safety';

export type RejectedKind = (typeof REJECTED_AMOUNT_KIND)[keyof typeof REJECTED_AMOUNT_KIND];

/**
 * The processor's own health: internal errors, amounts left out of the aggregates, label values
 * rewritten, and the bounded diag logger every part of the processor warns through.
 */
export class ProcessorHealth {
  readonly errors = new ErrorBook();
  readonly diag: DiagLimiter;
  private readonly rejected = new Map<RejectedKind, number>();
  /** Label rewrites by label, then reason (labels are our label names: a fixed set). */
  private readonly labelFixes = new Map<string, Map<LabelFix, number>>();

  constructor(clock: () => number) {
    this.diag = new DiagLimiter(clock);
  }

  /** Counts an amount left out of the aggregates (a bounded diag line says which kind). */
  reject(kind: RejectedKind, value: number): void {
    this.rejected.set(kind, (this.rejected.get(kind) ?? 0) + 1);
    this.diag.warn(
      `rejected_${kind}`,
      () =>
        `ai-margin: ${kind} of ${value} USD not counted (accepted: a number in [0, ${MAX_AMOUNT_USD}]); counted in ai_margin_rejected_amounts_total`,
    );
  }

  countLabelFix(label: string, fix: LabelFix): void {
    let byReason = this.labelFixes.get(label);
    if (byReason === undefined) {
      byReason = new Map();
      this.labelFixes.set(label, byReason);
    }
    byReason.set(fix, (byReason.get(fix) ?? 0) + 1);
  }

  rejectedSeries(): SeriesPoint[] {
    return [...this.rejected].map(([kind, value]) => ({
      labels: { [LABELS.errorKind]: kind },
      value,
    }));
  }

  labelFixSeries(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (const [label, byReason] of this.labelFixes) {
      for (const [reason, value] of byReason) {
        out.push({ labels: { [LABELS.label]: label, [LABELS.reason]: reason }, value });
      }
    }
    return out;
  }

  errorSeries(): SeriesPoint[] {
    return [...this.errors.counts].map(([kind, value]) => ({
      labels: { [LABELS.errorKind]: kind },
      value,
    }));
  }
}
