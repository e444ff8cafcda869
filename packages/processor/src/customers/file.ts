/**
 * Reads a customers JSON file (one list or map) keeping where each entry sits, so warnings and
 * errors name the line (and for syntax errors, the column).
 */
import { readFile } from 'node:fs/promises';
import { parseJsonDocuments } from '../json/json-text';
import type { CustomerSourceInfo } from './validate';

export interface CustomersFile {
  list: unknown;
  info: CustomerSourceInfo;
}

/** Throws an Error naming file, line and column when the file is not one JSON document. */
export async function readCustomersFile(file: string): Promise<CustomersFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`${file}: cannot read file: ${err.code ?? ''} ${err.message}`.trim());
  }
  // Its errors read `customers.json:3: invalid JSON at column 7: expected ',' or '}' …`.
  const docs = parseJsonDocuments(text, file, { rawNumbers: false });
  if (docs.values.length > 1) {
    throw new Error(
      `${file}:${docs.lineOf(docs.values[1]) ?? '?'}: a second JSON document: the file must hold one list or map of customers`,
    );
  }
  return {
    list: docs.values[0],
    info: { source: file, lineOf: docs.lineOf, duplicateKeys: docs.duplicateKeys },
  };
}
