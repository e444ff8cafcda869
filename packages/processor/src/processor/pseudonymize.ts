import { createHmac } from 'node:crypto';
import { DEFAULTS, type PseudonymizeOptions } from '../config';
import { BoundedMap } from './bounded';

/**
 * Keyed pseudonymisation of customer ids: HMAC-SHA256(key, id), truncated to 128 bits, hex, as
 * `h_` + 32 hex digits. Without the key the mapping cannot be reversed or recomputed; with it, the
 * owner can map a known id to its series. Every id is hashed, whatever it looks like: an id that
 * happens to look like a pseudonym is still a raw id (see {@link PseudonymLedger} for how the
 * processor avoids hashing its own output twice). Results are cached (bounded) because the span
 * path calls this often.
 */
export class Pseudonymizer {
  private readonly key: Uint8Array;
  private readonly cache: BoundedMap<string, string>;

  constructor(options: PseudonymizeOptions) {
    const key = typeof options.key === 'string' ? Buffer.from(options.key, 'utf8') : options.key;
    if (!key || key.length < 16) {
      throw new Error('ai-margin: pseudonymize.key must be at least 16 bytes');
    }
    this.key = key;
    this.cache = new BoundedMap(options.cacheSize ?? DEFAULTS.pseudonymCacheSize);
  }

  /** The pseudonym of `id`. */
  pseudonym(id: string): string {
    const hit = this.cache.get(id);
    if (hit !== undefined) return hit;
    const value = `h_${createHmac('sha256', this.key).update(id, 'utf8').digest('hex').slice(0, 32)}`;
    this.cache.set(id, value);
    return value;
  }
}

/**
 * The pseudonyms the processor itself wrote on each live span. A customer attribute whose value
 * is one of them is already pseudonymised; any other value is a raw id, even one shaped like a
 * pseudonym. Weakly keyed by the span, so it holds nothing once the SDK drops the span.
 */
export class PseudonymLedger {
  private readonly written = new WeakMap<object, string | string[]>();

  add(span: object, pseudonym: string): void {
    const prev = this.written.get(span);
    if (prev === undefined) this.written.set(span, pseudonym);
    else if (typeof prev === 'string') {
      if (prev !== pseudonym) this.written.set(span, [prev, pseudonym]);
    } else if (!prev.includes(pseudonym)) prev.push(pseudonym);
  }

  /** Whether the processor wrote `value` as a pseudonym on `span`. */
  wrote(span: object, value: unknown): boolean {
    const w = this.written.get(span);
    if (w === undefined || typeof value !== 'string') return false;
    return typeof w === 'string' ? w === value : w.includes(value);
  }
}
