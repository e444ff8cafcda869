/**
 * Splits an amount of nano-dollars over weights in exact proportion, rounding with the largest
 * remainder method: the parts always sum to the total, and ties go to the lower id, so the same
 * input always gives the same split.
 */
export function allocateProRata(
  total: bigint,
  weights: ReadonlyMap<string, bigint>,
): Map<string, bigint> {
  const entries = [...weights].filter(([, w]) => w > 0n);
  const sumW = entries.reduce((s, [, w]) => s + w, 0n);
  const out = new Map<string, bigint>();
  if (sumW === 0n) return out;
  const negative = total < 0n;
  const abs = negative ? -total : total;
  let given = 0n;
  const parts = entries.map(([id, w]) => {
    const q = abs * w;
    const base = q / sumW;
    given += base;
    return { id, base, rem: q % sumW };
  });
  let left = abs - given;
  parts.sort((a, b) =>
    a.rem === b.rem ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.rem > b.rem ? -1 : 1,
  );
  for (const p of parts) {
    const extra = left > 0n ? 1n : 0n;
    left -= extra;
    out.set(p.id, negative ? -(p.base + extra) : p.base + extra);
  }
  return out;
}
