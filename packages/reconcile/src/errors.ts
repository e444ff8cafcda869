/** Where a value came from, for error messages and for tracing a reconciled number to its source. */
export interface SourceRef {
  file: string;
  /** 1-based line in the file. */
  line?: number;
}

/**
 * Bad report or provisional input. The message names the file, line and field, e.g.
 * `costs/page-2.json:14: results[3].amount.currency: currency "EUR" is not USD`.
 */
export class ReconcileInputError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(file: string, line: number | undefined, field: string | undefined, detail: string) {
    const where = line === undefined ? file : `${file}:${line}`;
    super(`${where}: ${field ? `${field}: ` : ''}${detail}`);
    this.name = 'ReconcileInputError';
    this.file = file;
    this.line = line;
    this.field = field;
  }
}

/** Why a fetch() failed: it says only "fetch failed"; the reason (ECONNREFUSED, …) is its cause. */
export function fetchFailureReason(e: unknown): string {
  const err = e as Error;
  const cause = err?.cause;
  return cause instanceof Error ? cause.message : String(err?.message ?? e);
}

/**
 * A query API could not be reached or answered with an HTTP error: not bad input, a failed
 * fetch (the CLI exits 1, not 2). `where` names the URL.
 */
export class ReconcileFetchError extends Error {
  constructor(
    readonly where: string,
    detail: string,
  ) {
    super(`${where}: ${detail}`);
    this.name = 'ReconcileFetchError';
  }
}
