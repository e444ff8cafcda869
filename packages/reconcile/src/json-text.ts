/**
 * The processor's position-keeping JSON reader, with its syntax errors as ReconcileInputError so
 * the CLI treats a malformed report like any other bad input (exit 2).
 */
import {
  type JsonDocuments,
  JsonTextError,
  type ParseJsonOptions,
  parseJsonDocuments as parseJson,
} from '@ai-margin/processor';
import { ReconcileInputError } from './errors';

export type { DuplicateKey, JsonDocuments, ParseJsonOptions } from '@ai-margin/processor';

export function parseJsonDocuments(
  text: string,
  file: string,
  options?: ParseJsonOptions,
): JsonDocuments {
  try {
    return parseJson(text, file, options);
  } catch (e) {
    if (e instanceof JsonTextError)
      throw new ReconcileInputError(e.file, e.line, undefined, e.detail);
    throw e;
  }
}
