import { TOKEN_BUCKETS } from '@ai-margin/processor';
import { requiredFlag } from '../args';
import type { CommandIO } from '../io';
import {
  EXIT,
  guarded,
  loadBook,
  notPriced,
  parseAt,
  parseBookFlags,
  printJson,
  table,
} from './shared';

export const LOOKUP_HELP = `usage: ai-margin prices lookup --provider P --model M [--at <instant>] [--prices FILE]... [--json]

The price period in force for a model at an instant (default: now). The model may be an id, an
alias, a moving alias (resolved at the instant), a Bedrock geo-prefixed id or ARN.
Exit 0 found, 3 not priced, 2 bad input.
`;

export async function lookup(argv: string[], io: CommandIO): Promise<number> {
  return guarded(io, 'lookup', () => {
    const values = parseBookFlags(argv, io, LOOKUP_HELP, {
      provider: { type: 'string' },
      model: { type: 'string' },
      at: { type: 'string' },
    });
    if (!values) return EXIT.ok;
    const provider = requiredFlag('--provider', values.provider);
    const model = requiredFlag('--model', values.model);
    const atMs = parseAt(values.at);
    const book = loadBook(values.prices);
    const found = book.lookup(provider, model, atMs);
    const when = new Date(atMs).toISOString();
    if (!found.found) {
      return notPriced(io, values.json, {
        found: false,
        provider,
        model,
        at: when,
        reason: found.reason,
        detail: found.detail,
      });
    }
    const { period, ref } = found.price;
    const out: Record<string, unknown> = {
      found: true,
      provider,
      model,
      at: when,
      resolvedProvider: found.price.provider,
      resolvedModel: found.price.model,
      period: ref,
      prices: period.prices,
    };
    if (period.tiers) out.tiers = period.tiers;
    if (period.serviceTiers) out.serviceTiers = period.serviceTiers;
    if (period.regionalUplift !== undefined) out.regionalUplift = period.regionalUplift;
    if (found.geo !== undefined) out.geo = found.geo;
    if (found.discountPercent !== undefined) out.discountPercent = found.discountPercent;
    if (period.note !== undefined) out.note = period.note;
    if (values.json) {
      printJson(io, out);
      return EXIT.ok;
    }
    const lines = [
      `${provider} ${model} at ${when}`,
      `  resolved   ${ref.provider}/${ref.model}`,
      `  period     ${ref.effectiveFrom} .. ${ref.effectiveTo ?? 'open'}`,
      `  source     ${ref.source}`,
    ];
    if (period.note) lines.push(`  note       ${period.note}`);
    const header = ['  USD / 1M tokens', ...TOKEN_BUCKETS];
    const row = (label: string, p: Record<string, number | undefined>) => [
      `  ${label}`,
      ...TOKEN_BUCKETS.map((b) => (p[b] === undefined ? '-' : String(p[b]))),
    ];
    const rows = [header, row('base', { ...period.prices })];
    for (const t of period.tiers ?? [])
      rows.push(row(`input > ${t.aboveInputTokens}`, { ...t.prices }));
    lines.push('', table(rows), '');
    if (period.serviceTiers) {
      const tiers = Object.entries(period.serviceTiers).map(([k, v]) => `${k} x${v}`);
      lines.push(`  service tiers  ${tiers.join(', ')}`);
    }
    if (period.regionalUplift !== undefined) {
      const applies = found.geo === 'global' ? 'not applied (global. profile)' : 'applied';
      lines.push(`  regional uplift  x${period.regionalUplift} (${applies})`);
    }
    if (found.discountPercent !== undefined) lines.push(`  discount  ${found.discountPercent}%`);
    io.stdout(`${lines.join('\n')}\n`);
    return EXIT.ok;
  });
}
