import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PriceFileError } from './errors';

function isYaml(name: string): boolean {
  const ext = extname(name).toLowerCase();
  return ext === '.yaml' || ext === '.yml';
}

/** Parses price-file text as YAML (`.yaml`/`.yml`) or JSON (anything else). */
export function parsePriceFileText(text: string, name: string): unknown {
  try {
    return isYaml(name) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    const kind = isYaml(name) ? 'YAML' : 'JSON';
    throw new PriceFileError(name, `invalid ${kind}: ${(err as Error).message}`);
  }
}

/** Reads and parses a price file from disk. */
export function readPriceFile(path: string): unknown {
  const ext = extname(path).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') {
    throw new PriceFileError(path, `unsupported file type "${ext}": use .json, .yaml or .yml`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PriceFileError(path, `cannot read file: ${(err as Error).message}`);
  }
  return parsePriceFileText(text, path);
}
