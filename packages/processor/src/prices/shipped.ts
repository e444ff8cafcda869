/**
 * The shipped price data, bundled into the build (one JSON file per provider). Validated once, on
 * first use, by `PriceBook.shipped()` / `PriceBook.load()`.
 */
import anthropic from './data/anthropic.json';
import awsBedrock from './data/aws-bedrock.json';
import google from './data/google.json';
import openai from './data/openai.json';

/** File name (as it appears in error messages) -> raw, not yet validated, content. */
export const SHIPPED_PRICE_FILES: ReadonlyArray<{ name: string; data: unknown }> = [
  { name: 'openai.json', data: openai },
  { name: 'anthropic.json', data: anthropic },
  { name: 'google.json', data: google },
  { name: 'aws-bedrock.json', data: awsBedrock },
];
