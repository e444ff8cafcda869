/**
 * Price importer: public datasets (pydantic/genai-prices, LiteLLM) -> our dated provider price
 * files, a reviewable diff against the current book and a conflict report. Pure functions; the
 * CLI (`ai-margin prices import`) does the reading and writing.
 */

import type { ProviderPriceFile } from '../types';
import { type BuildResult, buildBook } from './build';
import { ImportError, MAX_DATASET_BYTES } from './errors';
import { readGenaiPrices } from './genai-prices';
import { readLitellm } from './litellm';
import type { Overrides } from './overrides';
import type { DatasetName, SourceSet } from './types';

// The price-file types the importer reads and writes (also in @ai-margin/processor/prices).
export type {
  BucketPrices,
  ModelPrices,
  MovingAlias,
  PricePeriod,
  PriceTier,
  ProviderPriceFile,
  ServiceTier,
} from '../types';
export type { BuildOptions, BuildResult } from './build';
export { buildBook } from './build';
export { diffBooks, renderReport } from './diff';
export { ImportError, MAX_DATASET_BYTES, MAX_DATASET_MODELS } from './errors';
export { GENAI_PROVIDERS, readGenaiPrices } from './genai-prices';
export { LITELLM_PROVIDERS, readLitellm } from './litellm';
export type {
  DatedFact,
  ModelOverride,
  Overrides,
  ProviderDefaults,
  RegionalProcessingRule,
} from './overrides';
export { parseOverrides } from './overrides';
export type * from './types';

export const DATASETS: readonly DatasetName[] = ['genai-prices', 'litellm'];

/** Parses dataset text (bounded) and reads it with the reader for `dataset`. */
export function readDataset(
  dataset: DatasetName,
  text: string,
  file: string,
  ref: string,
): SourceSet {
  if (text.length > MAX_DATASET_BYTES) {
    throw new ImportError(
      file,
      `larger than ${MAX_DATASET_BYTES} bytes: refusing an unbounded input`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ImportError(file, `not valid JSON: ${(err as Error).message}`);
  }
  return dataset === 'genai-prices'
    ? readGenaiPrices(data, file, ref)
    : readLitellm(data, file, ref);
}

/** One call: datasets (primary first) + base book + overrides -> files, conflicts, features. */
export function importPrices(opts: {
  sources: SourceSet[];
  base?: ProviderPriceFile[];
  overrides?: Overrides;
  asOf?: string;
}): BuildResult {
  return buildBook(opts);
}
export { validateProviderFile } from '../validate';
