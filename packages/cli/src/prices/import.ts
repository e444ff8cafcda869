import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PriceFileError, type ProviderPriceFile } from '@ai-margin/processor';
import {
  buildBook,
  DATASETS,
  type DatasetName,
  diffBooks,
  ImportError,
  MAX_DATASET_BYTES,
  parseOverrides,
  readDataset,
  renderReport,
  type SourceSet,
  validateProviderFile,
} from '@ai-margin/processor/price-import';
import { UsageError } from '../args';
import type { CommandIO } from '../io';
import { EXIT, guarded } from './shared';

export const IMPORT_HELP = `usage: ai-margin prices import --from genai-prices|litellm <file or URL> [--from ... <file>]...
         [--base <current data dir>] [--overrides FILE] [--out DIR] [--ref ID] [--as-of YYYY-MM-DD]

Turns public price datasets into dated provider price files. The first --from is the primary source
(pydantic/genai-prices prices/new_data/v2/data.json); later ones (LiteLLM
model_prices_and_context_window.json) are compared with the result, as conflicts, and give only
the models an override names with "dataset" (e.g. "litellm").
  --base       directory of the current book (*.json provider files): kept, extended, diffed
  --overrides  our launch dates, retirements, announced changes, service tiers (with sources)
  --out        write <provider>.json, import-diff.txt and import-conflicts.md into DIR;
               without --out the diff and the conflict report are printed
  --ref        label for the source fields (commit id); default: the file name or URL
  --as-of      date at which undated datasets are compared (default: today)
A first period needs a launch date: from the dataset, the base book or the overrides; otherwise the
model is reported ("no launch date") and skipped. Exit 0 written; 2 bad input.
`;

const FILE_NAMES: Record<string, string> = {
  openai: 'openai.json',
  anthropic: 'anthropic.json',
  'gcp.gemini': 'google.json',
  'aws.bedrock': 'aws-bedrock.json',
};

interface Args {
  sources: { dataset: DatasetName; location: string }[];
  base?: string;
  overrides?: string;
  out?: string;
  ref?: string;
  asOf?: string;
}

function parse(argv: string[]): Args | 'help' {
  const args: Args = { sources: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') return 'help';
    if (flag === '--from') {
      const dataset = next();
      if (!(DATASETS as readonly string[]).includes(dataset)) {
        throw new UsageError(`--from must be one of ${DATASETS.join(', ')} (got '${dataset}')`);
      }
      args.sources.push({ dataset: dataset as DatasetName, location: next() });
    } else if (flag === '--base') args.base = next();
    else if (flag === '--overrides') args.overrides = next();
    else if (flag === '--out') args.out = next();
    else if (flag === '--ref') args.ref = next();
    else if (flag === '--as-of') args.asOf = next();
    else throw new UsageError(`unknown option '${flag}'`);
  }
  if (args.sources.length === 0)
    throw new UsageError('missing --from genai-prices|litellm <file or URL>');
  return args;
}

async function readText(location: string): Promise<string> {
  if (/^https?:\/\//.test(location)) {
    const res = await fetch(location, { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new UsageError(`${location}: HTTP ${res.status}`);
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_DATASET_BYTES) {
      throw new UsageError(`${location}: larger than ${MAX_DATASET_BYTES} bytes`);
    }
    // Read at most MAX_DATASET_BYTES whatever the server claims.
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = res.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_DATASET_BYTES) {
        await reader.cancel();
        throw new UsageError(`${location}: larger than ${MAX_DATASET_BYTES} bytes`);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  let size: number;
  try {
    size = statSync(location).size;
  } catch (err) {
    throw new UsageError(`cannot read ${location}: ${(err as Error).message}`);
  }
  if (size > MAX_DATASET_BYTES)
    throw new UsageError(`${location}: larger than ${MAX_DATASET_BYTES} bytes`);
  return readFileSync(location, 'utf8');
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/** The provider files of a book directory (validated), with their file names. */
export function readBookDir(dir: string): {
  files: ProviderPriceFile[];
  names: Map<string, string>;
} {
  let entries: string[];
  try {
    entries = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (err) {
    throw new UsageError(`cannot read --base ${dir}: ${(err as Error).message}`);
  }
  const files: ProviderPriceFile[] = [];
  const names = new Map<string, string>();
  for (const name of entries) {
    const path = join(dir, name);
    const file = validateProviderFile(readJson(path), path);
    // Keep the raw JSON (validation drops free-text fields we want to carry over).
    files.push(readJson(path) as ProviderPriceFile);
    names.set(file.provider, name);
  }
  return { files, names };
}

export function formatJson(file: ProviderPriceFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

export async function importCommand(argv: string[], io: CommandIO): Promise<number> {
  return guarded(io, 'import', async () => {
    const args = parse(argv);
    if (args === 'help') {
      io.stdout(IMPORT_HELP);
      return EXIT.ok;
    }
    try {
      const sources: SourceSet[] = [];
      for (const s of args.sources) {
        const text = await readText(s.location);
        sources.push(
          readDataset(
            s.dataset,
            text,
            s.location,
            args.ref && sources.length === 0 ? args.ref : s.location,
          ),
        );
      }
      const base = args.base
        ? readBookDir(args.base)
        : { files: [], names: new Map<string, string>() };
      const overrides = args.overrides
        ? parseOverrides(readJson(args.overrides), args.overrides)
        : undefined;
      const opts: Parameters<typeof buildBook>[0] = { sources, base: base.files };
      if (overrides) opts.overrides = overrides;
      if (args.asOf) opts.asOf = args.asOf;
      const result = buildBook(opts);
      // The output must load: validate every file as the book would.
      for (const f of result.files) validateProviderFile(f, `${f.provider} (import result)`);
      const diff = diffBooks(base.files, result.files);
      const report = renderReport(result);
      if (args.out === undefined) {
        io.stdout(`${diff}\n${report}`);
        return EXIT.ok;
      }
      mkdirSync(args.out, { recursive: true });
      for (const f of result.files) {
        const name = base.names.get(f.provider) ?? FILE_NAMES[f.provider] ?? `${f.provider}.json`;
        writeFileSync(join(args.out, name), formatJson(f));
      }
      writeFileSync(join(args.out, 'import-diff.txt'), diff);
      writeFileSync(join(args.out, 'import-conflicts.md'), report);
      io.stdout(
        `${diff.split('\n')[0]}; ${result.conflicts.length} conflicts; wrote ${result.files.length} provider files, import-diff.txt and import-conflicts.md to ${args.out}\n`,
      );
      return EXIT.ok;
    } catch (err) {
      if (err instanceof ImportError || err instanceof PriceFileError) {
        io.stderr(`ai-margin prices import: ${err.message}\n`);
        return EXIT.usage;
      }
      throw err;
    }
  });
}
