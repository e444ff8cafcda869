/**
 * A price book that follows its user price files: loads them over the shipped book, re-reads them
 * on an interval and on demand, and swaps in the new book only when every file is valid. Readers
 * call `current()` on every lookup and get one immutable `PriceBook`: the swap is one reference
 * assignment after the new book is fully built, so a reader sees the old book or the new one,
 * never a mix.
 *
 * A bad edit (invalid JSON/YAML, a schema error, overlapping periods, an unreadable file) keeps
 * the last good book, is counted (`stats()`, `metricSource()`) and is logged once per distinct
 * error through the OTel `diag` API with the file name and what is wrong. Nothing here throws
 * after construction: the interval timer catches everything and is unref'd.
 *
 * SIGHUP is not handled by default (a library must not install signal handlers). To reload on
 * SIGHUP, wire it in the application:
 *
 *     const prices = new ReloadingPriceBook({ files: ['prices.yaml'], reloadIntervalMs: 60_000 });
 *     process.on('SIGHUP', () => prices.reload());
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import {
  LABELS,
  PRICE_BOOK_RELOAD_REASON,
  PRICE_BOOK_RELOAD_RESULT,
  type PriceBookReloadReason,
} from '@ai-margin/conventions';
import { diag } from '@opentelemetry/api';
import { PriceFileError } from './errors';
import { PriceBook } from './price-book';
import { SHIPPED_PRICE_FILES } from './shipped';
import { parseInstant } from './time';

export interface ReloadingPriceBookOptions {
  /**
   * User price files (`.json`, `.yaml`, `.yml`) merged over the shipped book, in order (later
   * files win), exactly as `PriceBook.load({ userFiles })`. Empty: the shipped book only (then
   * reloading never changes anything).
   */
  files?: readonly string[];
  /** Include the shipped price data (default true). */
  includeShipped?: boolean;
  /**
   * Re-read the files every this many milliseconds (unref'd timer; it never keeps the process
   * alive). Missing or 0: no timer, reload only through `reload()`.
   */
  reloadIntervalMs?: number;
  /** Clock for "newest price not in the future" and `lastSuccessMs` (tests). Default Date.now. */
  now?: () => number;
  /**
   * A book built elsewhere, used as it is: no files are read, `reload()` reports `unchanged`,
   * and `files` / `includeShipped` are ignored. Its version is a hash of the book's content.
   */
  book?: PriceBook;
  /** Called after each swap with the new book (not on the initial load). Errors are caught. */
  onSwap?: (book: PriceBook, info: PriceBookInfo) => void;
}

/** What `info()` says about the book in force. */
export interface PriceBookInfo {
  /** Content hash (12 hex digits) of the shipped data and the user files' bytes. */
  version: string;
  /** Newest `effectiveFrom` (period, moving-alias target) at or before now, as YYYY-MM-DD. */
  newestPriceDate: string | undefined;
  /** The same instant, epoch ms. */
  newestPriceMs: number | undefined;
  /** Number of models (canonical ids) across all providers. */
  models: number;
  /** When this book was built, epoch ms. */
  loadedAtMs: number;
  /** The user files it was built from. */
  files: readonly string[];
}

/** The outcome of one `reload()`. */
export type ReloadOutcome =
  | { result: 'ok'; version: string }
  | { result: 'unchanged'; version: string }
  | { result: 'failed'; reason: PriceBookReloadReason; error: string };

/** Reload counters since construction (the initial load is not counted). */
export interface ReloadStats {
  ok: number;
  failed: Record<PriceBookReloadReason, number>;
  /** Attempts skipped because no file changed since the last attempt. */
  unchanged: number;
  /** Last successful build (the initial load included), epoch ms. */
  lastSuccessMs: number;
  /** The last failure's message, cleared by the next success. */
  lastError: string | undefined;
}

/** One exported value: labels and value, the shape of the processor's metric sources. */
export interface PriceBookMetricPoint {
  labels: Record<string, string>;
  value: number;
}

/** Readers for the price-book metrics of `@ai-margin/conventions` (keys of `METRICS`). */
export interface PriceBookMetricSource {
  priceBookInfo: () => PriceBookMetricPoint[];
  priceBookNewestPrice: () => PriceBookMetricPoint[];
  priceBookReloads: () => PriceBookMetricPoint[];
}

/** Distinct error messages remembered for log-once; beyond this the memory starts over. */
const LOGGED_ERRORS_LIMIT = 100;

let shippedHash: string | undefined;
function shippedDigest(): string {
  shippedHash ??= createHash('sha256').update(JSON.stringify(SHIPPED_PRICE_FILES)).digest('hex');
  return shippedHash;
}

/** Content hash of a given book, once per book (every processor on the shipped book shares it). */
const bookDigests = new WeakMap<PriceBook, string>();
function bookDigest(book: PriceBook): string {
  let digest = bookDigests.get(book);
  if (digest === undefined) {
    digest = createHash('sha256')
      .update(JSON.stringify([book.list(), book.listMovingAliases()]))
      .digest('hex');
    bookDigests.set(book, digest);
  }
  return digest;
}

interface Snapshot {
  book: PriceBook;
  info: Omit<PriceBookInfo, 'newestPriceDate' | 'newestPriceMs'>;
  /** Every effectiveFrom of the book, ascending (ms). */
  starts: Float64Array;
}

/** The bytes of each user file, or the reason one could not be read. */
type ReadResult =
  | { ok: true; texts: Array<{ name: string; text: string }>; fingerprint: string }
  | { ok: false; file: string; problem: string; fingerprint: string };

export class ReloadingPriceBook {
  private snapshot: Snapshot;
  /** Fingerprint of the last attempted file contents (good or bad): unchanged files are skipped. */
  private lastFingerprint: string;
  private readonly files: readonly string[];
  /** Built from a given book (`book` option): nothing to re-read. */
  private readonly fixed: boolean;
  private readonly includeShipped: boolean;
  private readonly now: () => number;
  private readonly onSwap: ReloadingPriceBookOptions['onSwap'];
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly counters: ReloadStats;
  private readonly loggedErrors = new Set<string>();

  /**
   * Loads the book once, synchronously. Throws `PriceFileError` if a file is unreadable or
   * invalid at startup (there is no last good book to keep yet), like `PriceBook.load`.
   */
  constructor(opts: ReloadingPriceBookOptions = {}) {
    this.fixed = opts.book !== undefined;
    this.files = this.fixed ? [] : [...(opts.files ?? [])];
    this.includeShipped = opts.includeShipped !== false;
    this.now = opts.now ?? Date.now;
    this.onSwap = opts.onSwap;
    if (opts.book !== undefined) {
      // A fixed book (the processor's `prices: PriceBook`): same info and metrics, no files.
      const fingerprint = bookDigest(opts.book);
      this.snapshot = this.snapshotOf(opts.book, fingerprint);
      this.lastFingerprint = fingerprint;
    } else {
      const read = this.read();
      if (!read.ok) throw new PriceFileError(read.file, read.problem);
      this.snapshot = this.build(read.texts, read.fingerprint);
      this.lastFingerprint = read.fingerprint;
    }
    this.counters = {
      ok: 0,
      failed: { [PRICE_BOOK_RELOAD_REASON.unreadable]: 0, [PRICE_BOOK_RELOAD_REASON.invalid]: 0 },
      unchanged: 0,
      lastSuccessMs: this.snapshot.info.loadedAtMs,
      lastError: undefined,
    };
    const interval = opts.reloadIntervalMs ?? 0;
    if (!Number.isFinite(interval) || interval < 0) {
      throw new RangeError(`reloadIntervalMs must be a non-negative number, got ${interval}`);
    }
    if (interval > 0 && this.files.length > 0) {
      this.timer = setInterval(() => {
        try {
          this.reload();
        } catch (err) {
          diag.error('ai-margin: price book reload failed unexpectedly', err);
        }
      }, interval);
      this.timer.unref?.();
    }
  }

  /** The book in force: immutable, safe to keep for the duration of one pricing. */
  current(): PriceBook {
    return this.snapshot.book;
  }

  /**
   * Re-reads the files now; rebuilds and swaps when their content changed and is valid. Never
   * throws. `force` rebuilds even when the content is unchanged (and re-reports a bad file).
   */
  reload(opts: { force?: boolean } = {}): ReloadOutcome {
    try {
      return this.reloadUnsafe(opts.force === true);
    } catch (err) {
      // Not a price-file problem (a bug): count it as invalid, keep the book.
      return this.fail(PRICE_BOOK_RELOAD_REASON.invalid, `unexpected: ${(err as Error).message}`);
    }
  }

  /** Version, newest price date (not in the future, evaluated now) and size of the book. */
  info(): PriceBookInfo {
    const s = this.snapshot;
    const newest = newestAtOrBefore(s.starts, this.now());
    return {
      ...s.info,
      newestPriceMs: newest,
      newestPriceDate:
        newest === undefined ? undefined : new Date(newest).toISOString().slice(0, 10),
    };
  }

  /** A copy of the reload counters. */
  stats(): ReloadStats {
    return { ...this.counters, failed: { ...this.counters.failed } };
  }

  /**
   * The values of `METRICS.priceBookInfo`, `priceBookNewestPrice` and `priceBookReloads`, read
   * at collection time; merge into the processor's metric source.
   */
  metricSource(): PriceBookMetricSource {
    return {
      priceBookInfo: () => {
        const i = this.info();
        return [
          {
            labels: {
              [LABELS.version]: i.version,
              [LABELS.newestPriceDate]: i.newestPriceDate ?? '',
            },
            value: 1,
          },
        ];
      },
      priceBookNewestPrice: () => {
        const i = this.info();
        if (i.newestPriceMs === undefined) return [];
        return [{ labels: { [LABELS.version]: i.version }, value: i.newestPriceMs / 1000 }];
      },
      priceBookReloads: () => {
        const c = this.counters;
        const out: PriceBookMetricPoint[] = [
          {
            labels: { [LABELS.result]: PRICE_BOOK_RELOAD_RESULT.ok, [LABELS.reason]: '' },
            value: c.ok,
          },
        ];
        for (const reason of Object.values(PRICE_BOOK_RELOAD_REASON)) {
          out.push({
            labels: { [LABELS.result]: PRICE_BOOK_RELOAD_RESULT.failed, [LABELS.reason]: reason },
            value: c.failed[reason],
          });
        }
        return out;
      },
    };
  }

  /** Stops the interval timer. `current()` keeps answering with the last good book. */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private reloadUnsafe(force: boolean): ReloadOutcome {
    if (this.fixed) {
      this.counters.unchanged++;
      return { result: 'unchanged', version: this.snapshot.info.version };
    }
    const read = this.read();
    if (!force && read.fingerprint === this.lastFingerprint) {
      this.counters.unchanged++;
      return { result: 'unchanged', version: this.snapshot.info.version };
    }
    this.lastFingerprint = read.fingerprint;
    if (!read.ok) {
      return this.fail(PRICE_BOOK_RELOAD_REASON.unreadable, `${read.file}: ${read.problem}`);
    }
    let next: Snapshot;
    try {
      next = this.build(read.texts, read.fingerprint);
    } catch (err) {
      if (err instanceof PriceFileError)
        return this.fail(PRICE_BOOK_RELOAD_REASON.invalid, err.message);
      throw err;
    }
    this.snapshot = next; // the swap: one assignment of a fully built book
    this.counters.ok++;
    this.counters.lastSuccessMs = next.info.loadedAtMs;
    this.counters.lastError = undefined;
    this.loggedErrors.clear();
    if (this.onSwap) {
      try {
        this.onSwap(next.book, this.info());
      } catch (err) {
        diag.error('ai-margin: price book onSwap callback threw', err);
      }
    }
    return { result: 'ok', version: next.info.version };
  }

  private fail(reason: PriceBookReloadReason, error: string): ReloadOutcome {
    this.counters.failed[reason]++;
    this.counters.lastError = error;
    if (!this.loggedErrors.has(error)) {
      if (this.loggedErrors.size >= LOGGED_ERRORS_LIMIT) this.loggedErrors.clear();
      this.loggedErrors.add(error);
      diag.warn(
        `ai-margin: price file reload failed, keeping price book ${this.snapshot.info.version}: ${error}`,
      );
    }
    return { result: 'failed', reason, error };
  }

  private read(): ReadResult {
    const hash = createHash('sha256').update(this.includeShipped ? shippedDigest() : '-');
    const texts: Array<{ name: string; text: string }> = [];
    for (const name of this.files) {
      const ext = extname(name).toLowerCase();
      let problem: string | undefined;
      let text = '';
      if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') {
        problem = `unsupported file type "${ext}": use .json, .yaml or .yml`;
      } else {
        try {
          text = readFileSync(name, 'utf8');
        } catch (err) {
          problem = `cannot read file: ${(err as Error).message}`;
        }
      }
      if (problem !== undefined) {
        return { ok: false, file: name, problem, fingerprint: `unreadable\0${name}\0${problem}` };
      }
      hash.update(`\0${name}\0${text.length}\0`).update(text);
      texts.push({ name, text });
    }
    return { ok: true, texts, fingerprint: hash.digest('hex') };
  }

  private build(texts: Array<{ name: string; text: string }>, fingerprint: string): Snapshot {
    const book = PriceBook.load({
      includeShipped: this.includeShipped,
      userFiles: texts.map((t) => ({ name: t.name, data: t.text })),
    });
    return this.snapshotOf(book, fingerprint);
  }

  private snapshotOf(book: PriceBook, fingerprint: string): Snapshot {
    const starts: number[] = [];
    let models = 0;
    for (const entry of book.list()) {
      models++;
      for (const p of entry.periods) starts.push(parseInstant(p.effectiveFrom)!);
    }
    for (const a of book.listMovingAliases()) {
      for (const t of a.targets) starts.push(parseInstant(t.effectiveFrom)!);
    }
    starts.sort((a, b) => a - b);
    return {
      book,
      starts: Float64Array.from(starts),
      info: {
        version: fingerprint.slice(0, 12),
        models,
        loadedAtMs: this.now(),
        files: this.files,
      },
    };
  }
}

/** The largest start <= at, or undefined. */
function newestAtOrBefore(starts: Float64Array, at: number): number | undefined {
  let lo = 0;
  let hi = starts.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= at) {
      found = starts[mid];
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
