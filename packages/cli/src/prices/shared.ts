/** Helpers shared by the `ai-margin prices` subcommands. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { PriceBook, PriceFileError, parseInstant } from '@ai-margin/processor';
import { UsageError } from '../args';
import type { CommandIO } from '../io';
import { columnsOf, textTable } from '../text-table';

/** Exit codes of `ai-margin prices`. */
export const EXIT = {
  ok: 0,
  /** `validate`: the file is invalid. */
  invalidFile: 1,
  /** Bad command-line input (missing or malformed flag, unreadable price file). */
  usage: 2,
  /** The call cannot be priced (unknown model, no period at that instant). */
  unpriced: 3,
  /** `update`: the download failed (HTTP status, timeout, too large, unreadable). */
  fetchFailed: 4,
} as const;

export { UsageError };

/** Runs a subcommand body, turning UsageError / PriceFileError / parseArgs errors into exit 2. */
export async function guarded(
  io: CommandIO,
  command: string,
  body: () => Promise<number> | number,
): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError || err instanceof PriceFileError || isParseArgsError(err)) {
      io.stderr(`ai-margin prices ${command}: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The flags every book-reading subcommand (`cost`, `lookup`, `list`) takes. */
const BOOK_OPTIONS = {
  prices: { type: 'string', multiple: true },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsOptionsConfig;

/** The parsed flags of a book-reading subcommand with its own `options` O. */
type BookFlags<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{
    args: string[];
    options: O & typeof BOOK_OPTIONS;
    strict: true;
    allowPositionals: false;
  }>
>['values'];

/**
 * Parses a book-reading subcommand's flags (strict, no positionals): its own `options` plus
 * `--prices FILE...`, `--json` and `-h/--help`. On `--help` prints `help` and returns undefined
 * (the caller exits 0).
 */
export function parseBookFlags<O extends ParseArgsOptionsConfig>(
  argv: string[],
  io: CommandIO,
  help: string,
  options: O,
): BookFlags<O> | undefined {
  const { values } = parseArgs({
    args: argv,
    options: { ...options, ...BOOK_OPTIONS },
    strict: true,
    allowPositionals: false,
  });
  if ((values as { help?: boolean }).help) {
    io.stdout(help);
    return undefined;
  }
  return values as BookFlags<O>;
}

/**
 * Reports a call or model that cannot be priced: `out` as JSON on stdout with `--json`, else
 * `not priced (reason): detail` on stderr. Returns exit code 3.
 */
export function notPriced(
  io: CommandIO,
  json: boolean,
  out: { reason: string; detail: string } & Record<string, unknown>,
): number {
  if (json) printJson(io, out);
  else io.stderr(`not priced (${out.reason}): ${out.detail}\n`);
  return EXIT.unpriced;
}

/** The shipped book, or the shipped book with `--prices` files merged over it. */
export function loadBook(priceFiles: string[] | undefined): PriceBook {
  return priceFiles && priceFiles.length > 0
    ? PriceBook.load({ userFiles: priceFiles })
    : PriceBook.shipped();
}

export function requireFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing required flag --${flag}`);
  return value;
}

/** `--at`: an ISO-8601 instant with Z or an offset, or a date (midnight UTC). Default: now. */
export function parseAt(value: string | undefined, now = Date.now()): number {
  if (value === undefined) return now;
  const ms = parseInstant(value);
  if (ms === undefined) {
    throw new UsageError(
      `--at: "${value}" is not an ISO-8601 instant (use e.g. 2025-06-10T12:00:00Z, an offset like +02:00, or a date 2025-06-10 for midnight UTC)`,
    );
  }
  return ms;
}

/** A token count flag: a non-negative integer. */
export function parseCount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed))
    throw new UsageError(`--${flag}: "${value}" is not a non-negative integer token count`);
  const n = Number(trimmed);
  if (!Number.isSafeInteger(n)) throw new UsageError(`--${flag}: "${value}" is too large`);
  return n;
}

export function printJson(io: CommandIO, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Left-aligned text table; the first row is the header. */
export function table(rows: string[][]): string {
  const [header = [], ...body] = rows;
  return textTable(columnsOf(header), body);
}

/** USD with enough digits for sub-cent per-call costs. */
export function usd(value: number): string {
  return `$${value
    .toFixed(value !== 0 && Math.abs(value) < 0.01 ? 9 : 6)
    .replace(/0+$/, '')
    .replace(/\.$/, '.00')}`;
}
