/**
 * Exact money parsing. Report amounts are decimal text (Anthropic: a string in cents; CUR: a
 * string in dollars; OpenAI: a JSON number in dollars, whose source text we keep). Amounts are
 * carried as integer nano-dollars (1e-9 USD) in a bigint, so sums are exact; digits below one
 * nano-dollar are rounded half away from zero.
 */

import { MAX_AMOUNT_USD } from '@ai-margin/processor';

/** Nano-dollars per dollar. */
export const NANOS_PER_USD = 1_000_000_000n;

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses decimal text into an integer count of 10^-`scale` units, rounding half away from zero.
 * Returns undefined when `text` is not a plain decimal number.
 */
export function parseDecimalScaled(text: string, scale: number): bigint | undefined {
  const m = DECIMAL.exec(text.trim());
  if (!m) return undefined;
  const [, sign, intPart = '', fracPart = '', expPart] = m;
  if (intPart.length === 0 && fracPart.length === 0) return undefined;
  const exp = expPart === undefined ? 0 : Number(expPart);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 400) return undefined;
  const digits = `${intPart}${fracPart}`.replace(/^0+(?=\d)/, '') || '0';
  // value = digits * 10^(exp - fracPart.length); we want value * 10^scale.
  const shift = exp - fracPart.length + scale;
  let result: bigint;
  if (shift >= 0) {
    result = BigInt(digits) * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    const n = BigInt(digits);
    result = n / divisor;
    if ((n % divisor) * 2n >= divisor) result += 1n;
  }
  return sign === '-' ? -result : result;
}

/**
 * The largest amount one report line or provisional row may carry, in either sign: the same
 * bound as one span or revenue event in the processor (a day's cost of one model for one
 * customer is far below it). Anything larger is a unit mix-up or garbage (e.g. `1e300`), and
 * floats of it would turn into `+Inf`/`NaN`.
 */
const MAX_AMOUNT_NANOS = BigInt(MAX_AMOUNT_USD) * NANOS_PER_USD;

/** Why an amount is outside the accepted range, or undefined when it is fine. */
export function amountRangeProblem(nanos: bigint, allowNegative: boolean): string | undefined {
  if (nanos < 0n && !allowNegative) return 'negative cost';
  if (nanos > MAX_AMOUNT_NANOS || nanos < -MAX_AMOUNT_NANOS) {
    return `outside the accepted range of ±${MAX_AMOUNT_USD.toExponential()} USD per line`;
  }
  return undefined;
}

/** Decimal dollars (text) to nano-dollars. */
export function dollarsToNanos(text: string): bigint | undefined {
  return parseDecimalScaled(text, 9);
}

/** Decimal cents (text) to nano-dollars: "123.45" cents is $1.2345. */
export function centsToNanos(text: string): bigint | undefined {
  return parseDecimalScaled(text, 7);
}

/**
 * A float dollar amount (e.g. from a Prometheus query) to nano-dollars. Uses the number's
 * shortest round-trip decimal text, so 0.1 becomes exactly 100000000.
 */
export function floatDollarsToNanos(value: number): bigint {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  return dollarsToNanos(String(value)) ?? 0n;
}

/** Nano-dollars to a float dollar amount (the nearest double to the exact value). */
export function nanosToUsd(nanos: bigint): number {
  return Number(nanos) / 1e9;
}

/** Nano-dollars as exact decimal dollar text, e.g. 1234567890n -> "1.23456789". */
export function formatNanos(nanos: bigint): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const whole = abs / NANOS_PER_USD;
  const frac = (abs % NANOS_PER_USD).toString().padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}
