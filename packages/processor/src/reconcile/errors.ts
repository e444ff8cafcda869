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
