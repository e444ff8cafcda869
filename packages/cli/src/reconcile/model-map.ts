/** `--model-map FILE`: {"<provider>": {"<name>": "<canonical model>"}}, read into Maps. */
import { readFile } from 'node:fs/promises';
import { parseJsonDocuments, ReconcileInputError } from '@ai-margin/reconcile';

export type CliModelMap = Map<string, Map<string, string>>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the model map. Maps (not objects) hold it, because provider and model names are user
 * text: a model named `constructor` or `__proto__` must be an ordinary name.
 */
export async function readModelMap(file: string): Promise<CliModelMap> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ReconcileInputError(
      file,
      undefined,
      undefined,
      `cannot read file: ${err.code ?? ''} ${err.message}`.trim(),
    );
  }
  const docs = parseJsonDocuments(text, file);
  const [parsed, extra] = docs.values;
  if (extra !== undefined || !isObject(parsed)) {
    throw new ReconcileInputError(
      file,
      docs.lineOf(extra) ?? 1,
      undefined,
      'expected one JSON object {"<provider>": {"<name>": "<model>"}}',
    );
  }
  const out: CliModelMap = new Map();
  for (const [provider, names] of Object.entries(parsed)) {
    if (!isObject(names)) {
      throw new ReconcileInputError(
        file,
        docs.lineOf(parsed),
        provider,
        'expected an object of name -> model',
      );
    }
    const byName = new Map<string, string>();
    for (const [name, model] of Object.entries(names)) {
      if (typeof model !== 'string' || model === '') {
        throw new ReconcileInputError(
          file,
          docs.lineOf(names),
          `${provider}.${name}`,
          'expected a model name string',
        );
      }
      byName.set(name, model);
    }
    out.set(provider, byName);
  }
  return out;
}
