/** Where in a price file a problem is. */
export interface PriceFileErrorLocation {
  /** The model the problem belongs to, when it belongs to one. */
  model?: string;
  /** Path of the offending field: relative to the model when `model` is set, else to the file. */
  field?: string;
}

/**
 * A price file (shipped or user-supplied) that cannot be loaded. The message names the file, the
 * model and the field, e.g. `openai.json: model "o3": periods[1].prices.input: must be a
 * non-negative number`.
 */
export class PriceFileError extends Error {
  readonly file: string;
  readonly model?: string;
  readonly field?: string;
  /** The problem alone, without the file/model/field prefix. */
  readonly problem: string;

  constructor(file: string, problem: string, where: PriceFileErrorLocation = {}) {
    const parts = [file];
    if (where.model !== undefined) parts.push(`model "${where.model}"`);
    if (where.field !== undefined) parts.push(where.field);
    parts.push(problem);
    super(parts.join(': '));
    this.name = 'PriceFileError';
    this.file = file;
    this.problem = problem;
    if (where.model !== undefined) this.model = where.model;
    if (where.field !== undefined) this.field = where.field;
  }
}
