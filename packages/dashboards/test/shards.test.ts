/**
 * The 30-day cost detail is recorded in shards (design note 24): every customer id, whatever its
 * characters, must fall in exactly one shard, or its cost would be missing from (or counted twice
 * in) every 30-day figure. PromQL anchors a regex matcher at both ends (RE2, where `.` does not
 * match a newline, as in JavaScript without the `s` flag).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COST_DETAIL_SHARDS, RECORD, SHARD_LABEL } from '../src/queries/catalog';
import { type Matcher, quote } from '../src/queries/promql';

/** A shard's matcher applied to an id (the shards use regex matchers only). */
function matches(m: Matcher, value: string): boolean {
  if (m.op !== '=~' && m.op !== '!~') throw new Error(`not a regex matcher: ${m.op}`);
  return new RegExp(`^(?:${m.value})$`).test(value) === (m.op === '=~');
}

const shardsOf = (id: string) => COST_DETAIL_SHARDS.filter((m) => matches(m, id)).length;

describe('cost-detail shards', () => {
  it('every id is in exactly one shard (digits, letters, any Unicode, newlines, empty)', () => {
    for (const id of ['', 'cust-000001', 'cust-000009', 'Acme', 'zeta', 'a\n5', '__other__', 'é'])
      expect(shardsOf(id), JSON.stringify(id)).toBe(1);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (id) => shardsOf(id) === 1),
      { numRuns: 2000 },
    );
  });

  it('the generated rules record the 30-day cost detail once per shard, with its matcher', () => {
    const doc = parse(
      readFileSync(join(__dirname, '..', 'generated', 'rules', 'ai-margin-recording.yml'), 'utf8'),
    ) as {
      groups: { rules: { record: string; expr: string; labels?: Record<string, string> }[] }[];
    };
    const shards = doc.groups
      .flatMap((g) => g.rules)
      .filter((r) => r.record === RECORD.costDetail('30d'));
    expect(shards.map((r) => r.labels?.[SHARD_LABEL])).toEqual(['0', '1', '2', '3', '4']);
    shards.forEach((r, i) => {
      const m = COST_DETAIL_SHARDS[i]!;
      // The tiles and the raw counters of the shard both select its customers.
      const sel = `${m.label}${m.op}${quote(m.value)}`;
      expect(r.expr.split(sel).length - 1, r.expr).toBe(4);
    });
  });
});
