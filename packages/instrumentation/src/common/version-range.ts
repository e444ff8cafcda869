/**
 * The small subset of semver ranges our `*_SUPPORTED_VERSIONS` use: space-separated comparators
 * (`>=4.19.0 <8`, `>=3.422.0 <4`) that must all hold; any of several ranges may match. We check
 * versions ourselves (instead of letting `@opentelemetry/instrumentation` skip the module) so that
 * an SDK outside the tested range is still looked at, patched when its shape is recognised, and
 * reported either way (see ./coverage).
 */

type Triple = [number, number, number];

/** `7.59.0` -> [7, 59, 0]; missing parts are 0; a prerelease/build suffix is ignored. */
function parse(version: string): Triple | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function comparatorHolds(version: Triple, comparator: string): boolean {
  const m = /^(>=|<=|>|<|=)?\s*(.+)$/.exec(comparator);
  const bound = m ? parse(m[2] ?? '') : undefined;
  if (!m || !bound) return false;
  const c = compare(version, bound);
  switch (m[1]) {
    case '>=':
      return c >= 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
    default:
      return c === 0;
  }
}

/** True when `version` satisfies at least one of `ranges` (`*` matches everything). */
export function versionInRanges(version: string, ranges: readonly string[]): boolean {
  const v = parse(version);
  if (!v) return false;
  return ranges.some((range) => {
    const comparators = range.trim().split(/\s+/);
    return comparators.every((c) => c === '*' || comparatorHolds(v, c));
  });
}
