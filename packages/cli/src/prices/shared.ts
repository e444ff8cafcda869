/** Helpers shared by the `ai-margin prices` subcommands. */
import { PriceBook, PriceFileError } from '@ai-margin/processor';
import {
  type FlagOptions,
  type FlagValues,
  instantFlag,
  intFlag,
  parseFlags,
  UsageError,
} from '../args';
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

/** Runs a subcommand body, turning UsageError / PriceFileError into exit 2. */
export async function guarded(
  io: CommandIO,
  command: string,
  body: () => Promise<number> | number,
): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError || err instanceof PriceFileError) {
      io.stderr(`ai-margin prices ${command}: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

/** The flags every book-reading subcommand (`cost`, `lookup`, `list`) takes. */
const BOOK_OPTIONS = {
  prices: { type: 'string', multiple: true },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies FlagOptions;

/** The parsed flags of a book-reading subcommand with its own `options` O. */
type BookFlags<O extends FlagOptions> = FlagValues<O & typeof BOOK_OPTIONS>;

/**
 * Parses a book-reading subcommand's flags (strict, no positionals): its own `options` plus
 * `--prices FILE...`, `--json` and `-h/--help`. On `--help` prints `help` and returns undefined
 * (the caller exits 0).
 */
export function parseBookFlags<O extends FlagOptions>(
  argv: string[],
  io: CommandIO,
  help: string,
  options: O,
): BookFlags<O> | undefined {
  const values = parseFlags(argv, { ...options, ...BOOK_OPTIONS });
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

/** `--at` of the prices subcommands (see `instantFlag`); default: now. */
export function parseAt(value: string | undefined, now = Date.now()): number {
  return value === undefined ? now : instantFlag('--at', value);
}

/** A token count flag: a non-negative integer (absent: undefined). */
export function parseCount(value: string | undefined, flag: string): number | undefined {
  return value === undefined ? undefined : intFlag(`--${flag}`, value, 0, 0);
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
