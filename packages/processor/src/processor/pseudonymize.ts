import { createHmac } from 'node:crypto';
import { DEFAULTS, type PseudonymizeOptions } from '../config';
import { BoundedMap } from './bounded';

/** Pseudonyms look like `h_` + 32 hex digits (128 bits of HMAC-SHA256). */
const PSEUDONYM = /^h_[0-9a-f]{32}$/;

/**
 * Keyed pseudonymisation of customer ids: HMAC-SHA256(key, id), truncated to 128 bits, hex.
 * Without the key the mapping cannot be reversed or recomputed; with it, the owner can map a
 * known id to its series. Results are cached (bounded) because the span path calls this often.
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

  /** The pseudonym of `id`; a value that already is a pseudonym is returned unchanged. */
  pseudonym(id: string): string {
    if (PSEUDONYM.test(id)) return id;
    const hit = this.cache.get(id);
    if (hit !== undefined) return hit;
    const value = `h_${createHmac('sha256', this.key).update(id, 'utf8').digest('hex').slice(0, 32)}`;
    this.cache.set(id, value);
    return value;
  }
}
