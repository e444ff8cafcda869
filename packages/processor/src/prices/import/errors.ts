/** Errors of the price importer: each names the dataset file, the model and the field. */

/** Largest dataset the importer reads (the LiteLLM file is ~1.6 MB in 2026). */
export const MAX_DATASET_BYTES = 32 * 1024 * 1024;
/** Most models one dataset may hold (genai-prices has ~1,400 across providers, LiteLLM ~2,600). */
export const MAX_DATASET_MODELS = 20_000;

export class ImportError extends Error {
  override name = 'ImportError';
  constructor(
    readonly file: string,
    problem: string,
    readonly model?: string,
    readonly field?: string,
  ) {
    const where = [
      model === undefined ? '' : `model "${model}"`,
      field === undefined ? '' : `field "${field}"`,
    ]
      .filter((s) => s !== '')
      .join(', ');
    super(`${file}${where === '' ? '' : ` (${where})`}: ${problem}`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** USD per token -> USD per 1M tokens, without float noise (3e-6 -> 3, not 2.9999999999999996). */
export function perMillion(perToken: number): number {
  return roundPrice(perToken * 1_000_000);
}

export function roundPrice(value: number): number {
  return Number(value.toPrecision(12));
}
