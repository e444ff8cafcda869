/**
 * `ai-margin prices update --url URL --out FILE`: downloads a published price book (a user price
 * file or a provider price file) and replaces FILE with it only when it validates in full, merged
 * over the shipped book, exactly as the processor would load it. The new content goes to a temp
 * file in FILE's directory first and is renamed over FILE, so a processor reloading FILE
 * (`reloadIntervalMs`) sees the old file or the new one, never a partial write.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PriceBook, PriceFileError } from '@ai-margin/processor';
import { intFlag, parseFlags, requiredFlag, UsageError } from '../args';
import type { CommandIO } from '../io';
import { EXIT, guarded } from './shared';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

export const UPDATE_HELP = `usage: ai-margin prices update --url URL --out FILE [--timeout-ms N] [--max-bytes N]

Downloads a published price book (http://, https:// or file:// URL) and writes it to FILE only
when it is valid: the same checks as 'ai-margin prices validate', merged over the shipped prices.
The content must be in FILE's format (.json, .yaml or .yml). FILE is replaced atomically (temp
file in the same directory, then rename); an invalid or failed download leaves it untouched.

  --url URL         where the book is published
  --out FILE        the user price file to replace (e.g. the one the processor reloads)
  --timeout-ms N    give up after N ms (default ${DEFAULT_TIMEOUT_MS})
  --max-bytes N     refuse a book larger than N bytes (default ${DEFAULT_MAX_BYTES})

Exit 0 when FILE is up to date (written, or already identical); 1 when the book is invalid; 2 on
bad options; 4 when the download failed (HTTP status, timeout, too large, unreadable).
`;

/** A download that did not produce a book: exit 4. */
class FetchError extends Error {
  override name = 'FetchError';
}

const FORMATS: Record<string, 'json' | 'yaml'> = {
  '.json': 'json',
  '.yaml': 'yaml',
  '.yml': 'yaml',
};

/** The URL as shown in messages: no credentials, query or fragment (they may hold tokens). */
function displayUrl(u: URL): string {
  return u.protocol === 'file:' ? `file://${u.pathname}` : `${u.origin}${u.pathname}`;
}

async function download(u: URL, timeoutMs: number, maxBytes: number): Promise<Buffer> {
  const shown = displayUrl(u);
  if (u.protocol === 'file:') {
    const path = fileURLToPath(u);
    let size: number;
    try {
      size = statSync(path).size;
    } catch (err) {
      throw new FetchError(`${shown}: cannot read: ${(err as Error).message}`);
    }
    if (size > maxBytes) {
      throw new FetchError(`${shown}: ${size} bytes is more than --max-bytes ${maxBytes}`);
    }
    return readFileSync(path);
  }
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(u, { signal, redirect: 'follow' });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new FetchError(`${shown}: HTTP ${res.status} ${res.statusText}`.trimEnd());
    }
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw new FetchError(
        `${shown}: ${declared} bytes (Content-Length) is more than --max-bytes ${maxBytes}`,
      );
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel().catch(() => {});
          throw new FetchError(`${shown}: more than --max-bytes ${maxBytes} bytes`);
        }
        chunks.push(value);
      }
    }
    return Buffer.concat(chunks);
  } catch (err) {
    if (err instanceof FetchError) throw err;
    if (signal.aborted) throw new FetchError(`${shown}: no complete answer within ${timeoutMs} ms`);
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    throw new FetchError(`${shown}: ${(err as Error).message}${cause ? ` (${cause})` : ''}`);
  }
}

/** Writes `bytes` to a temp file next to `out` and renames it over `out`. */
function replaceAtomically(out: string, bytes: Buffer): void {
  const tmp = join(
    dirname(out),
    `.${basename(out)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    writeFileSync(tmp, bytes, { flag: 'wx', mode: 0o644 });
    renameSync(tmp, out);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw new UsageError(`--out ${out}: cannot write: ${(err as Error).message}`);
  }
}

function sameContent(out: string, bytes: Buffer): boolean {
  try {
    return readFileSync(out).equals(bytes);
  } catch {
    return false;
  }
}

export async function update(argv: string[], io: CommandIO): Promise<number> {
  return guarded(io, 'update', async () => {
    const values = parseFlags(argv, {
      url: { type: 'string' },
      out: { type: 'string' },
      'timeout-ms': { type: 'string' },
      'max-bytes': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    });
    if (values.help) {
      io.stdout(UPDATE_HELP);
      return EXIT.ok;
    }
    const urlText = requiredFlag('--url', values.url);
    const out = requiredFlag('--out', values.out);
    const timeoutMs = intFlag('--timeout-ms', values['timeout-ms'], DEFAULT_TIMEOUT_MS, 1);
    const maxBytes = intFlag('--max-bytes', values['max-bytes'], DEFAULT_MAX_BYTES, 1);
    let u: URL;
    try {
      u = new URL(urlText);
    } catch {
      throw new UsageError(`--url: "${urlText}" is not a URL (use http://, https:// or file://)`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'file:') {
      throw new UsageError(`--url: unsupported scheme "${u.protocol}" (use http, https or file)`);
    }
    const outFormat = FORMATS[extname(out).toLowerCase()];
    if (outFormat === undefined) {
      throw new UsageError(`--out: "${out}" must end in .json, .yaml or .yml`);
    }
    const shown = displayUrl(u);
    const urlFormat = FORMATS[extname(u.pathname).toLowerCase()];
    if (urlFormat !== undefined && urlFormat !== outFormat) {
      throw new UsageError(
        `--url serves ${urlFormat.toUpperCase()} (${extname(u.pathname)}) but --out is ${outFormat.toUpperCase()}: use an --out ending in ${urlFormat === 'json' ? '.json' : '.yaml'}`,
      );
    }
    try {
      const st = statSync(out);
      if (!st.isFile()) throw new UsageError(`--out: "${out}" exists and is not a file`);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      // A missing FILE is fine (first update); a missing directory fails at write time.
    }

    let bytes: Buffer;
    try {
      bytes = await download(u, timeoutMs, maxBytes);
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      io.stderr(`ai-margin prices update: ${err.message}; ${out} left unchanged\n`);
      return EXIT.fetchFailed;
    }

    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      io.stderr(`${shown}: not UTF-8 text; ${out} left unchanged\n`);
      return EXIT.invalidFile;
    }
    // Parsed by --out's extension (the format the processor will read it in); errors name the URL.
    const name = urlFormat === outFormat ? shown : `${shown} -> ${basename(out)}`;
    let models: number;
    try {
      models = PriceBook.load({ userFiles: [{ name, data: text }] }).list().length;
    } catch (err) {
      if (!(err instanceof PriceFileError)) throw err;
      io.stderr(`${err.message}\n${out} left unchanged\n`);
      return EXIT.invalidFile;
    }
    const version = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    if (sameContent(out, bytes)) {
      io.stdout(`${out}: already up to date (${shown}, sha256 ${version})\n`);
      return EXIT.ok;
    }
    replaceAtomically(out, bytes);
    io.stdout(
      `${out}: updated from ${shown} (${bytes.length} bytes, sha256 ${version}; merged over the shipped prices: ${models} models)\n`,
    );
    return EXIT.ok;
  });
}
