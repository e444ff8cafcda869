/**
 * Reviewable text of an import: the diff of the new book against the current one (added models,
 * added periods, changed prices) and the conflict / feature report in Markdown.
 */
import type { BucketPrices, ModelPrices, PricePeriod, ProviderPriceFile } from '../types';
import { PRICE_KEYS } from '../types';
import type { BuildResult } from './build';
import type { Conflict } from './types';

function fmtPrices(p: BucketPrices): string {
  return PRICE_KEYS.filter((b) => p[b] !== undefined)
    .map((b) => `${b} ${p[b]}`)
    .join(', ');
}

function fmtPeriod(p: PricePeriod): string {
  const parts = [`from ${p.effectiveFrom}: ${fmtPrices(p.prices)}`];
  for (const t of p.tiers ?? [])
    parts.push(`above ${t.aboveInputTokens} input tokens: ${fmtPrices(t.prices)}`);
  if (p.serviceTiers) parts.push(`service tiers ${JSON.stringify(p.serviceTiers)}`);
  if (p.regionalUplift !== undefined) parts.push(`regional uplift x${p.regionalUplift}`);
  if (p.regionalProcessingUplift !== undefined)
    parts.push(`regional processing x${p.regionalProcessingUplift}`);
  return parts.join('; ');
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Text diff: `+ model`, `+ period`, `~ price`, `- model` lines, grouped by provider. */
export function diffBooks(before: ProviderPriceFile[], after: ProviderPriceFile[]): string {
  const lines: string[] = [];
  const counts = { models: 0, periods: 0, changed: 0, removed: 0 };
  for (const file of after) {
    const old = before.find((f) => f.provider === file.provider);
    const oldModels = new Map<string, ModelPrices>((old?.models ?? []).map((m) => [m.id, m]));
    const out: string[] = [];
    for (const m of file.models) {
      const prev = oldModels.get(m.id);
      oldModels.delete(m.id);
      if (!prev) {
        counts.models++;
        const extra = [
          m.aliases?.length ? `aliases ${m.aliases.join(', ')}` : '',
          m.retiredOn ? `retired ${m.retiredOn}` : '',
        ]
          .filter(Boolean)
          .join('; ');
        out.push(`+ model ${m.id}${extra ? ` (${extra})` : ''}`);
        for (const p of m.periods) out.push(`    ${fmtPeriod(p)}    [${p.source}]`);
        continue;
      }
      const prevStarts = new Map(prev.periods.map((p) => [p.effectiveFrom, p]));
      for (const p of m.periods) {
        const q = prevStarts.get(p.effectiveFrom);
        if (!q) {
          counts.periods++;
          out.push(`+ period ${m.id} ${fmtPeriod(p)}    [${p.source}]`);
        } else if (!sameJson({ ...q, source: 0, note: 0 }, { ...p, source: 0, note: 0 })) {
          counts.changed++;
          out.push(
            `~ price ${m.id} ${q.effectiveFrom}: ${fmtPeriod(q)}  ->  ${fmtPeriod(p)}    [${p.source}]`,
          );
        }
      }
      const aliasesAdded = (m.aliases ?? []).filter((a) => !(prev.aliases ?? []).includes(a));
      if (aliasesAdded.length > 0) out.push(`+ aliases ${m.id}: ${aliasesAdded.join(', ')}`);
      if (m.retiredOn !== prev.retiredOn)
        out.push(`~ retiredOn ${m.id}: ${prev.retiredOn ?? '-'} -> ${m.retiredOn ?? '-'}`);
    }
    for (const id of oldModels.keys()) {
      counts.removed++;
      out.push(`- model ${id}`);
    }
    if (out.length > 0) lines.push(`## ${file.provider}`, ...out, '');
  }
  const summary = `${counts.models} models added, ${counts.periods} periods added, ${counts.changed} periods changed, ${counts.removed} models removed`;
  return `${summary}\n\n${lines.join('\n')}`;
}

function cell(value: unknown): string {
  const s = value === undefined ? '—' : String(value);
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderConflict(c: Conflict): string {
  const [a, b] = c.values;
  return `| ${cell(c.kind)} | ${cell(`${c.provider}/${c.model}`)} | ${cell(c.bucket)} | ${cell(c.at)} | ${cell(a?.value)} | ${cell(a?.source)} | ${cell(b?.value)} | ${cell(b?.source)} | ${cell(c.resolution)} |`;
}

/** Markdown report: conflicts (both values, both sources), features not yet representable, skips. */
export function renderReport(result: BuildResult, header = '# Price import report'): string {
  const out: string[] = [header, ''];
  out.push(`## Conflicts (${result.conflicts.length})`, '');
  if (result.conflicts.length === 0) out.push('None.', '');
  else {
    out.push(
      '| kind | model | bucket | at | value A | source A | value B | source B | resolution |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|');
    for (const c of result.conflicts) out.push(renderConflict(c));
    out.push('');
  }
  out.push(`## Features not yet representable (${result.features.length} models)`, '');
  for (const f of result.features)
    out.push(`- **${f.provider}/${f.model}**: ${f.features.join('; ')}`);
  out.push('', `## Match patterns not expanded (${result.patterns.length} models)`, '');
  out.push(
    'The book matches exact ids only. Ids these dataset rules also match (dated snapshots, suffixes) are unpriced until added as aliases in the overrides.',
    '',
  );
  for (const p of result.patterns) out.push(`- ${p.provider}/${p.model}: ${p.patterns.join('; ')}`);
  out.push('', `## Skipped dataset entries (${result.skipped.length})`, '');
  for (const s of result.skipped) out.push(`- ${s}`);
  out.push('');
  return out.join('\n');
}
