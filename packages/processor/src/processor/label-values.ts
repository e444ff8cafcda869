import { createHash } from 'node:crypto';
import { LABEL_FIX_REASON } from '@ai-margin/conventions';

/** Why a label value was rewritten (the `reason` label of the normalisation counter). */
export type LabelFix = (typeof LABEL_FIX_REASON)[keyof typeof LABEL_FIX_REASON];

/** Hex digits of the hash suffix: 64 bits, so distinct inputs keep distinct label values. */
const SUFFIX_HEX = 16;
/** `~` + hex digits. */
const SUFFIX_LENGTH = 1 + SUFFIX_HEX;
/** Below this many UTF-16 units a string cannot exceed 3 bytes per unit of the smallest limit. */
const MIN_LIMIT = 64;

/** ES2024 string methods (Node >= 20); the project's `lib` is ES2022. */
interface Es2024String {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** Stable suffix of a value: SHA-256 over its UTF-16 code units (lone surrogates included). */
function suffixOf(value: string): string {
  return `~${createHash('sha256').update(Buffer.from(value, 'utf16le')).digest('hex').slice(0, SUFFIX_HEX)}`;
}

/** The longest prefix of `value` (never splitting a surrogate pair) that fits `maxBytes` UTF-8 bytes. */
function prefixWithin(value: string, maxBytes: number): string {
  let bytes = 0;
  let i = 0;
  while (i < value.length) {
    const c = value.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < value.length;
    const width = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + width > maxBytes) break;
    bytes += width;
    i += pair ? 2 : 1;
  }
  return value.slice(0, i);
}

/**
 * Makes label values safe for Prometheus and VictoriaMetrics: valid UTF-8 (lone surrogates
 * become U+FFFD) and at most `maxBytes` UTF-8 bytes. A rewritten value ends in `~` + 16 hex digits
 * of a hash of the original, so two inputs that differ only in what was replaced or cut off stay
 * two series. `onFix` is told each rewrite (for counting). Ordinary values are returned as they are.
 */
export class LabelValues {
  private readonly maxBytes: number;
  /** Strings up to this many UTF-16 units fit `maxBytes` whatever they hold (<= 3 bytes a unit). */
  private readonly surelyShort: number;

  constructor(
    maxBytes: number,
    private readonly onFix: (label: string, fix: LabelFix) => void,
  ) {
    this.maxBytes = Math.max(MIN_LIMIT, Math.floor(maxBytes));
    this.surelyShort = Math.floor(this.maxBytes / 3);
  }

  /** `value` ready for label `label` (the label name is only used for counting). */
  normalize(label: string, value: string): string {
    const wellFormed = (value as unknown as Es2024String).isWellFormed();
    if (
      wellFormed &&
      (value.length <= this.surelyShort || Buffer.byteLength(value, 'utf8') <= this.maxBytes)
    ) {
      return value;
    }
    const suffix = suffixOf(value);
    let body = value;
    if (!wellFormed) {
      this.onFix(label, LABEL_FIX_REASON.invalidUtf8);
      body = (value as unknown as Es2024String).toWellFormed();
    }
    const room = this.maxBytes - SUFFIX_LENGTH;
    if (Buffer.byteLength(body, 'utf8') > room) {
      this.onFix(label, LABEL_FIX_REASON.tooLong);
      body = prefixWithin(body, room);
    }
    return body + suffix;
  }
}
