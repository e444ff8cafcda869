/**
 * Loads report files and directories of pages: expands directories (recursively, in path
 * order), reads each file with its provider's reader, and merges the lines, de-duplicating by
 * each line's stable key so overlapping pages and re-fetched files count once.
 */
import { createReadStream, type Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip, gunzipSync } from 'node:zlib';
import { ReconcileInputError } from './errors';
import { readAnthropicCosts, readAnthropicUsage } from './readers/anthropic';
import { AwsCurReader } from './readers/aws-cur';
import type { ReaderOutput } from './readers/common';
import { readOpenAICosts, readOpenAIUsage } from './readers/openai';
import { RECONCILE_PROVIDER, type ReportLine, type ReportSet, type UsageLine } from './types';

export type CostReportKind = 'openai-costs' | 'anthropic-costs' | 'aws-cur';
export type UsageReportKind = 'openai-usage' | 'anthropic-usage';

const PROVIDER_OF: Record<CostReportKind | UsageReportKind, string> = {
  'openai-costs': RECONCILE_PROVIDER.openai,
  'openai-usage': RECONCILE_PROVIDER.openai,
  'anthropic-costs': RECONCILE_PROVIDER.anthropic,
  'anthropic-usage': RECONCILE_PROVIDER.anthropic,
  'aws-cur': RECONCILE_PROVIDER.bedrock,
};

/**
 * A JSON report file (after gunzip) may hold at most this many bytes: it is parsed as one
 * string, and V8 cannot hold much more. Larger exports: split the pages over several files.
 * CUR CSV files are streamed and have no such limit.
 */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

function isFsError(e: unknown): boolean {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

function tooLarge(file: string): ReconcileInputError {
  return new ReconcileInputError(
    file,
    undefined,
    undefined,
    `larger than ${MAX_JSON_BYTES / 1024 / 1024} MiB (uncompressed): split the pages over several files`,
  );
}

/** A read or gunzip failure as an input error naming the file (never a bare stack trace). */
function fileError(file: string, e: unknown, gzip: boolean): ReconcileInputError {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ERR_BUFFER_TOO_LARGE') return tooLarge(file);
  const reason = err?.code ? `${err.code}: ${err.message}` : String(err?.message ?? e);
  return new ReconcileInputError(
    file,
    undefined,
    undefined,
    gzip
      ? `not a readable gzip file (corrupt or truncated?): ${reason}`
      : `cannot read file: ${reason}`,
  );
}

/** Own entries only: a JS caller's `kind` must not find Object.prototype members. */
function providerOf(kind: CostReportKind | UsageReportKind): string {
  if (!Object.hasOwn(PROVIDER_OF, kind))
    throw new TypeError(`unknown report kind ${JSON.stringify(kind)}`);
  return PROVIDER_OF[kind];
}

const JSON_EXT = /\.(json|jsonl|ndjson)(\.gz)?$/i;
const CSV_EXT = /\.csv(\.gz)?$/i;

/** Files under `path` (a file, or a directory walked recursively) in path order. */
export async function expandReportPath(
  path: string,
  kind: CostReportKind | UsageReportKind,
): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new ReconcileInputError(path, undefined, undefined, 'no such file or directory');
  }
  if (!info.isDirectory()) return [path];
  const ext = kind === 'aws-cur' ? CSV_EXT : JSON_EXT;
  const out: string[] = [];
  const walk = async (dir: string) => {
    let listed: Dirent[];
    try {
      listed = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw fileError(dir, e, false);
    }
    const entries = listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (ext.test(e.name)) out.push(p);
    }
  };
  await walk(path);
  if (out.length === 0) {
    throw new ReconcileInputError(
      path,
      undefined,
      undefined,
      `directory holds no ${kind === 'aws-cur' ? '.csv/.csv.gz' : '.json/.jsonl/.ndjson'} files`,
    );
  }
  return out;
}

async function readText(file: string): Promise<string> {
  let buf: Buffer;
  try {
    // Refuse a huge plain file before reading it into memory.
    if (!file.endsWith('.gz') && (await stat(file)).size > MAX_JSON_BYTES) throw tooLarge(file);
    buf = await readFile(file);
  } catch (e) {
    if (e instanceof ReconcileInputError) throw e;
    throw fileError(file, e, false);
  }
  if (file.endsWith('.gz')) {
    try {
      buf = gunzipSync(buf, { maxOutputLength: MAX_JSON_BYTES + 1 });
    } catch (e) {
      throw fileError(file, e, true);
    }
  }
  if (buf.length > MAX_JSON_BYTES) throw tooLarge(file);
  return buf.toString('utf8');
}

async function readCur(file: string): Promise<ReaderOutput<ReportLine>> {
  const reader = new AwsCurReader(file);
  const raw = createReadStream(file);
  const gunzip = file.endsWith('.gz') ? createGunzip() : undefined;
  const stream = gunzip ? raw.pipe(gunzip) : raw;
  // pipe() does not forward read errors (ENOENT, EACCES, EISDIR): end the gunzip stream with them.
  if (gunzip) raw.on('error', (e) => gunzip.destroy(e));
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream) reader.push(chunk as string);
  } catch (e) {
    if (e instanceof ReconcileInputError) throw e;
    throw fileError(file, e, gunzip !== undefined && !isFsError(e));
  } finally {
    raw.destroy();
  }
  return reader.end();
}

function merge<L extends { key: string; source: { file: string; line?: number } }>(
  provider: string,
  outputs: { file: string; out: ReaderOutput<L> }[],
  same: (a: L, b: L) => boolean,
): ReportSet<L> {
  const byKey = new Map<string, L>();
  const covered = new Set<string>();
  const warnings: string[] = [];
  let duplicates = 0;
  for (const { out } of outputs) {
    warnings.push(...out.warnings);
    for (const d of out.coveredDays) covered.add(d);
    for (const line of out.lines) {
      const prev = byKey.get(line.key);
      if (prev === undefined) {
        byKey.set(line.key, line);
      } else if (same(prev, line)) {
        duplicates++;
      } else {
        // A re-fetched report revises a day's amount: the later file (path order) wins.
        byKey.delete(line.key);
        byKey.set(line.key, line);
        warnings.push(
          `${line.source.file}:${line.source.line ?? '?'} revises ${prev.source.file}:${prev.source.line ?? '?'} (same report line, different value): using the later one`,
        );
      }
    }
  }
  const last = outputs[outputs.length - 1];
  if (last?.out.openPage !== undefined) {
    warnings.push(
      `${last.file}: the last page has has_more=true (next_page=${JSON.stringify(last.out.openPage)}): pages may be missing`,
    );
  }
  return {
    provider,
    lines: [...byKey.values()],
    coveredDays: covered,
    files: outputs.map((o) => o.file),
    duplicates,
    warnings,
  };
}

/** Reads cost report files/directories of one kind into one de-duplicated set. */
export async function loadCostReports(
  kind: CostReportKind,
  paths: string | string[],
): Promise<ReportSet<ReportLine>> {
  const outputs: { file: string; out: ReaderOutput<ReportLine> }[] = [];
  for (const path of Array.isArray(paths) ? paths : [paths]) {
    for (const file of await expandReportPath(path, kind)) {
      let out: ReaderOutput<ReportLine>;
      if (kind === 'aws-cur') out = await readCur(file);
      else {
        const text = await readText(file);
        out =
          kind === 'openai-costs' ? readOpenAICosts(text, file) : readAnthropicCosts(text, file);
      }
      outputs.push({ file, out });
    }
  }
  return merge(providerOf(kind), outputs, (a, b) => a.nanos === b.nanos);
}

/** Reads usage report files/directories of one kind into one de-duplicated set. */
export async function loadUsageReports(
  kind: UsageReportKind,
  paths: string | string[],
): Promise<ReportSet<UsageLine>> {
  const outputs: { file: string; out: ReaderOutput<UsageLine> }[] = [];
  for (const path of Array.isArray(paths) ? paths : [paths]) {
    for (const file of await expandReportPath(path, kind)) {
      const text = await readText(file);
      const out =
        kind === 'openai-usage' ? readOpenAIUsage(text, file) : readAnthropicUsage(text, file);
      outputs.push({ file, out });
    }
  }
  return merge(providerOf(kind), outputs, (a, b) => a.tokens === b.tokens);
}
