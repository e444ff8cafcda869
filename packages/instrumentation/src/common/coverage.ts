/**
 * Which LLM SDK modules the instrumentations met, and whether they could instrument them. A call
 * through an SDK we did not patch makes no span, so it can never show up as unpriced: this
 * registry is how such a blind spot becomes visible (`MarginSpanProcessor` exports it as
 * `ai_margin_sdk_info`, which the Overview dashboard and the unpriced-usage alert read).
 *
 * The registry lives on `globalThis` under a `Symbol.for` key, so that two copies of this package
 * in one process (a bundled one and an installed one, say) still report into one place.
 */

/** How an instrumentation dealt with a loaded SDK module. */
export type SdkCoverageStatus =
  /** Version inside the tested range, methods patched. */
  | 'instrumented'
  /** Version outside the tested range (a newer major, say) but the shape was recognised and patched. */
  | 'untested'
  /** The module was loaded but nothing in it could be patched: its calls are invisible. */
  | 'unpatched';

export interface SdkCoverageEntry {
  /** npm package name, e.g. `openai`. */
  readonly sdk: string;
  /** Version from the module's package.json; `unknown` for `manuallyInstrument`. */
  readonly version: string;
  readonly status: SdkCoverageStatus;
}

interface Registry {
  readonly entries: Map<string, SdkCoverageEntry>;
}

const KEY = Symbol.for('@ai-margin/instrumentation.sdk-coverage');
// Distinct (sdk, version, status) triples kept: a process loads a handful of SDK versions; the
// bound only matters against a pathological loader.
const MAX_ENTRIES = 64;

function registry(): Registry {
  const g = globalThis as { [KEY]?: Registry };
  let r = g[KEY];
  if (r === undefined) {
    r = { entries: new Map() };
    g[KEY] = r;
  }
  return r;
}

/**
 * Records that `sdk@version` was met with `status`. Returns true the first time this triple is
 * recorded (so the caller logs once), false afterwards.
 */
export function recordSdkCoverage(entry: SdkCoverageEntry): boolean {
  const { entries } = registry();
  const key = `${entry.sdk}\u0000${entry.version}\u0000${entry.status}`;
  if (entries.has(key) || entries.size >= MAX_ENTRIES) return false;
  entries.set(key, { sdk: entry.sdk, version: entry.version, status: entry.status });
  return true;
}

/** Every SDK module met so far in this process, with how it was handled. */
export function sdkCoverage(): SdkCoverageEntry[] {
  return [...registry().entries.values()];
}

/** Test helper: forgets every entry. @internal */
export function resetSdkCoverage(): void {
  registry().entries.clear();
}
