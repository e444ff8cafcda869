/**
 * Command-line parsing shared by every `ai-margin` command: one error type, one flag reader
 * (node:util parseArgs, strict), and one check per kind of value, so `--from` means the same
 * thing and fails with the same message in `whatif` as in `reconcile`.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { parseInstant } from '@ai-margin/processor';

/** Bad command-line input: the command prints the message and its usage, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** The values parseArgs returns for `options` (strict, no positionals). */
export type FlagValues<O extends FlagOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>
>['values'];

/**
 * Reads `--flag value`, `--flag=value` and boolean flags; anything else (unknown flag, missing
 * value, stray positional) is a UsageError naming the flag.
 */
export function parseFlags<O extends FlagOptions>(
  argv: readonly string[],
  options: O,
): FlagValues<O> {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(parseArgsMessage(err));
  }
}

/** `parseFlags` for commands that also take operands (`prices validate FILE...`). */
export function parseFlagsAndOperands<O extends FlagOptions>(
  argv: readonly string[],
  options: O,
): { values: FlagValues<O>; operands: string[] } {
  try {
    const r = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    return { values: r.values as FlagValues<O>, operands: r.positionals };
  } catch (err) {
    throw new UsageError(parseArgsMessage(err));
  }
}

/** node's parseArgs messages, shortened to the part that names the flag. */
function parseArgsMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown })?.code;
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) return `unknown option '${unknown[1]}'`;
  const positional = /^Unexpected argument '([^']+)'/.exec(message);
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && positional)
    return `unexpected argument '${positional[1]}'`;
  const missing = /^Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && missing)
    return `${missing[1]} needs a value`;
  return message;
}

/** A required string flag. */
export function requiredFlag(flag: string, raw: string | undefined): string {
  if (raw === undefined || raw === '') throw new UsageError(`${flag} needs a value`);
  return raw;
}

/** An integer flag within [min, max]; `undefined` gives `fallback`. */
export function intFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined) return fallback;
  // Decimal digits only: `Number()` would also take `1e3`, `0x10` and `1.0`.
  const n = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(
      `${flag} needs an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`} (got '${raw}')`,
    );
  return n;
}

/** A UTC day `YYYY-MM-DD` that exists on the calendar (2026-02-30 is refused). */
export function dayFlag(flag: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? Date.parse(`${raw}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms) || !new Date(ms).toISOString().startsWith(raw))
    throw new UsageError(`${flag} needs a UTC day YYYY-MM-DD (got '${raw}')`);
  return raw;
}

/** `--from` not after `--to` (both inclusive UTC days). */
export function dayRange(from: string | undefined, to: string | undefined): void {
  if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
}

/** An http(s) URL flag. */
export function httpUrlFlag(flag: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let protocol = '';
  try {
    protocol = new URL(raw).protocol;
  } catch {
    // not a URL at all: same message as a wrong scheme
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new UsageError(`${flag} needs an http(s) URL (got '${raw}')`);
  return raw;
}

/**
 * An instant (`--at`), in epoch milliseconds: ISO 8601 with Z or an offset, a UTC day
 * `YYYY-MM-DD` (midnight UTC), or Unix seconds. One grammar for `report` and `prices`.
 */
export function instantFlag(flag: string, raw: string): number {
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const ms = parseInstant(raw);
  if (ms === undefined)
    throw new UsageError(
      `${flag} needs an instant: ISO 8601 (2026-01-31T12:00:00Z, or an offset like +02:00), a UTC day 2026-01-31, or Unix seconds (got '${raw}')`,
    );
  return ms;
}
