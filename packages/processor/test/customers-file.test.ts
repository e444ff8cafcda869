/**
 * The customers file (issue 13, item 8): strict ISO signup dates, duplicate ids reported with
 * file and line, JSON syntax errors with line and column, the last good data kept on every failed
 * refresh, and ids named like Object.prototype members treated as ordinary ids.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CustomerDirectory, normalizeCustomers } from '../src/customers/directory';
import { parseSignupDate } from '../src/customers/signup-date';

let warnings: string[] = [];
const logger: DiagLogger = {
  error: () => {},
  warn: (m: string) => {
    warnings.push(m);
  },
  info: () => {},
  debug: () => {},
  verbose: () => {},
};

let dir: string;
let dirs: CustomerDirectory[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ai-margin-customers-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  warnings = [];
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
});
afterEach(() => {
  for (const d of dirs) d.stop();
  dirs = [];
  diag.disable();
});

async function load(name: string, text: string): Promise<{ file: string; d: CustomerDirectory }> {
  const file = join(dir, name);
  await writeFile(file, text);
  const d = new CustomerDirectory({ file });
  dirs.push(d);
  await d.ready;
  return { file, d };
}

describe('signupDate is strict ISO 8601', () => {
  it('accepts dates and zoned date-times, rejects the rest with a reason', () => {
    expect(parseSignupDate('2025-03-14')).toEqual({ ms: Date.UTC(2025, 2, 14) });
    expect(parseSignupDate('2024-02-29')).toEqual({ ms: Date.UTC(2024, 1, 29) });
    expect(parseSignupDate('2025-03-14T09:30:00Z')).toEqual({ ms: Date.UTC(2025, 2, 14, 9, 30) });
    expect(parseSignupDate('2025-03-14T09:30Z')).toEqual({ ms: Date.UTC(2025, 2, 14, 9, 30) });
    expect(parseSignupDate('2025-03-14T09:30:00.250+02:00')).toEqual({
      ms: Date.UTC(2025, 2, 14, 7, 30, 0, 250),
    });
    for (const bad of [
      'March 7',
      '1',
      '2025-02-30',
      '2025-13-01',
      '2023-02-29',
      '2025-3-7',
      '20250307',
      '2025-03-14 09:30:00Z',
      '2025-03-14T24:00:00Z',
      '2025-03-14T09:30:00', // no zone: local time would depend on the host
      '0025-01-01',
      ' 2025-03-14',
    ]) {
      expect(parseSignupDate(bad), bad).toHaveProperty('error');
    }
    expect(parseSignupDate(20250314)).toEqual({ error: 'expected a string, got number' });
  });

  it('a file with "March 7", "2025-02-30" and "1": each warned with file, line and field; the customer stays', async () => {
    const { file, d } = await load(
      'dates.json',
      `[
  {"id": "ok", "signupDate": "2025-03-07"},
  {"id": "words", "plan": "pro", "signupDate": "March 7"},
  {"id": "feb30", "signupDate": "2025-02-30"},
  {"id": "one", "signupDate": "1"}
]`,
    );
    const byId = new Map(d.list().map((c) => [c.id, c]));
    expect(byId.get('ok')?.signupMs).toBe(Date.UTC(2025, 2, 7));
    for (const id of ['words', 'feb30', 'one']) expect(byId.get(id)?.signupMs).toBeUndefined();
    expect(byId.get('words')?.plan).toBe('pro');
    expect(warnings).toEqual([
      `ai-margin: customers ${file}:3: "words".signupDate: "March 7" is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (or ±HH:MM)); ignored`,
      `ai-margin: customers ${file}:4: "feb30".signupDate: "2025-02-30": 2025-02-30 is not a calendar date; ignored`,
      `ai-margin: customers ${file}:5: "one".signupDate: "1" is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (or ±HH:MM)); ignored`,
    ]);
  });

  it('static config names the entry when there is no file', () => {
    const list = normalizeCustomers([{ id: 'a', signupDate: 'March 7' }], 'config');
    expect(list[0]?.signupMs).toBeUndefined();
    expect(warnings[0]).toBe(
      'ai-margin: customers config, entry 0: "a".signupDate: "March 7" is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (or ±HH:MM)); ignored',
    );
  });
});

describe('duplicate ids', () => {
  it('in a list: reported with both lines, the later entry wins', async () => {
    const { file, d } = await load(
      'dup-list.json',
      `[
  {"id": "acme", "plan": "free"},
  {"id": "globex", "plan": "pro"},
  {"id": "acme", "plan": "enterprise"}
]`,
    );
    expect(d.list().map((c) => [c.id, c.plan])).toEqual([
      ['acme', 'enterprise'],
      ['globex', 'pro'],
    ]);
    expect(warnings).toEqual([
      `ai-margin: customers ${file}:4: duplicate customer id "acme" (first at ${file}:2): the later entry (line 4) wins`,
    ]);
  });

  it('in a map (a repeated JSON key): reported with both lines, the later entry wins', async () => {
    const { file, d } = await load(
      'dup-map.json',
      `{
  "acme": {"plan": "free"},
  "acme": {"plan": "enterprise"}
}`,
    );
    expect(d.list().map((c) => [c.id, c.plan])).toEqual([['acme', 'enterprise']]);
    expect(warnings).toEqual([
      `ai-margin: customers ${file}:3: duplicate customer id "acme" (also on line 2): the entry on line 3 wins`,
    ]);
  });
});

describe('refresh', () => {
  it('a JSON syntax error is warned with line and column; the last good data is kept on every failure', async () => {
    const { file, d } = await load('refresh.json', '[{"id": "x", "plan": "team", "mrrUsd": 30}]');
    expect(d.list()).toHaveLength(1);
    const broken = [
      [
        '{\n  "x": {"plan": "team"},,\n}',
        `${file}:2: invalid JSON at column 25: expected a property name`,
      ],
      ['[{"id": "x"', `${file}:1: invalid JSON at column 12: unexpected end of input`],
      ['', `${file}:1: empty file`],
      ['[] []', `${file}:1: a second JSON document`],
      ['"customers"', 'expected an array or an object of customers'],
    ];
    for (const [text, expected] of broken) {
      warnings = [];
      await writeFile(file, text as string);
      expect(await d.refresh()).toBe(false);
      expect(d.list().map((c) => [c.id, c.plan, c.mrrUsd])).toEqual([['x', 'team', 30]]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`customer directory refresh from ${file} failed: `);
      expect(warnings[0]).toContain(expected);
      expect(warnings[0]).toContain('keeping the last good data (1 customers)');
    }
    // The same failure twice is warned once.
    warnings = [];
    expect(await d.refresh()).toBe(false);
    expect(warnings).toEqual([]);
    await rm(file);
    expect(await d.refresh()).toBe(false);
    expect(warnings[0]).toContain('ENOENT');
    expect(d.list()).toHaveLength(1);
  });

  it('ids named like Object.prototype members are ordinary ids', async () => {
    const { d } = await load(
      'proto.json',
      '{"constructor": {"plan": "a"}, "__proto__": {"plan": "b"}, "toString": {"plan": "c"}, "hasOwnProperty": {}}',
    );
    expect(d.list().map((c) => [c.id, c.plan])).toEqual([
      ['constructor', 'a'],
      ['__proto__', 'b'],
      ['toString', 'c'],
      ['hasOwnProperty', 'unknown'],
    ]);
    expect(warnings).toEqual([]);
  });
});
