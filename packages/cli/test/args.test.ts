/** The shared command-line checks (src/args.ts) every `ai-margin` command uses. */
import { describe, expect, it } from 'vitest';
import { instantFlag, intFlag, parseFlags, parseFlagsAndOperands, UsageError } from '../src/args';

describe('instantFlag: one --at grammar for report and prices', () => {
  it.each([
    ['2026-01-31T12:00:00Z', Date.UTC(2026, 0, 31, 12)],
    ['2026-01-31T14:00:00+02:00', Date.UTC(2026, 0, 31, 12)],
    ['2026-01-31T12:00:00.250Z', Date.UTC(2026, 0, 31, 12, 0, 0, 250)],
    ['2026-01-31', Date.UTC(2026, 0, 31)],
    ['1769860800', 1_769_860_800_000],
    ['1769860800.5', 1_769_860_800_500],
  ])('%s', (raw, ms) => {
    expect(instantFlag('--at', raw)).toBe(ms);
  });

  it.each(['2026-02-30', '2026-13-01T00:00:00Z', 'yesterday', '', '-5'])(
    'refuses %j and names the flag',
    (raw) => {
      expect(() => instantFlag('--at', raw)).toThrow(UsageError);
      expect(() => instantFlag('--at', raw)).toThrow(`--at needs an instant`);
    },
  );
});

describe('intFlag: decimal integers in range, one grammar for every command', () => {
  it.each([
    ['7', 7],
    [' 42 ', 42],
    ['0', 0],
    ['100000', 100_000],
  ])('%j', (raw, n) => {
    expect(intFlag('--n', raw, 1, 0, 100_000)).toBe(n);
  });

  it('absent: the fallback', () => {
    expect(intFlag('--n', undefined, 5, 1)).toBe(5);
  });

  it.each(['1e3', '0x10', '1.0', '1.5', '', ' ', 'ten', '-1', '100001', '9007199254740993'])(
    'refuses %j and names the flag and the range',
    (raw) => {
      expect(() => intFlag('--n', raw, 1, 0, 100_000)).toThrow(UsageError);
      expect(() => intFlag('--n', raw, 1, 0, 100_000)).toThrow(
        `--n needs an integer between 0 and 100000 (got '${raw}')`,
      );
    },
  );
});

describe('parseFlags / parseFlagsAndOperands', () => {
  const options = { out: { type: 'string' }, json: { type: 'boolean', default: false } } as const;

  it('reads flags and operands', () => {
    expect(parseFlags(['--out=x', '--json'], options)).toEqual({ out: 'x', json: true });
    expect(parseFlagsAndOperands(['a.json', '--out', 'x', 'b.json'], options)).toEqual({
      values: { out: 'x', json: false },
      operands: ['a.json', 'b.json'],
    });
  });

  it('turns parse errors into UsageErrors naming the flag', () => {
    expect(() => parseFlags(['--bogus'], options)).toThrow("unknown option '--bogus'");
    expect(() => parseFlags(['stray'], options)).toThrow("unexpected argument 'stray'");
    expect(() => parseFlagsAndOperands(['--out'], options)).toThrow('--out needs a value');
  });
});
