/**
 * Validates a customer list or map into `Customer`s. Bad fields are ignored and bad entries
 * skipped, each with a warning that names where it is (file:line when known) and the field;
 * the remaining customers always load. A duplicate id is reported; the later entry wins.
 */
import { UNKNOWN_LABEL_VALUE } from '@ai-margin/conventions';
import { parseSignupDate } from './signup-date';
import type { Customer } from './types';

const UNKNOWN = UNKNOWN_LABEL_VALUE;

/** MRR above this (USD per month) is a unit mix-up or garbage, not a subscription. */
export const MAX_MRR_USD = 1_000_000_000;

/** Where a list came from, and (for files) where each entry sits. */
export interface CustomerSourceInfo {
  /** A file path, `config` or `customers.load()`. */
  source: string;
  /** 1-based line on which an entry (an object of the parsed file) starts. */
  lineOf?: (entry: unknown) => number | undefined;
  /** Keys a file repeats within one object (the parser keeps the later value). */
  duplicateKeys?: readonly { container: object; key: string; previous: unknown; line: number }[];
}

export interface ValidatedCustomers {
  customers: Customer[];
  warnings: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Own property only: entries are user data (an entry may be keyed `constructor`). */
const own = (obj: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(obj, key) ? obj[key] : undefined;

export function validateCustomers(list: unknown, info: CustomerSourceInfo): ValidatedCustomers {
  const { source } = info;
  const warnings: string[] = [];
  // [id, entry]: a list holds ids in its entries, a map in its keys.
  let entries: [unknown, unknown][];
  if (Array.isArray(list)) {
    entries = list.map((e) => [isObject(e) ? own(e, 'id') : undefined, e]);
  } else if (isObject(list)) {
    entries = Object.entries(list);
  } else {
    throw new Error(
      `ai-margin: customers from ${source}: expected an array or an object of customers`,
    );
  }
  const at = (entry: unknown, i: number) => {
    const line = info.lineOf?.(entry);
    return line === undefined ? `${source}, entry ${i}` : `${source}:${line}`;
  };
  const lineOrEntry = (entry: unknown, i: number) => {
    const line = info.lineOf?.(entry);
    return line === undefined ? `entry ${i}` : `line ${line}`;
  };

  for (const d of info.duplicateKeys ?? []) {
    const prev = info.lineOf?.(d.previous);
    const also = prev === undefined ? '' : ` (also on line ${prev})`;
    warnings.push(
      d.container === list
        ? `${source}:${d.line}: duplicate customer id ${JSON.stringify(d.key)}${also}: the entry on line ${d.line} wins`
        : `${source}:${d.line}: field ${JSON.stringify(d.key)} appears twice in one entry${also}: the later value wins`,
    );
  }

  const byId = new Map<string, { customer: Customer; entry: unknown; i: number }>();
  entries.forEach(([id, entry], i) => {
    // Messages are built only when needed: a large file has few problems.
    const where = () => at(entry, i);
    if (typeof id !== 'string' || id === '') {
      warnings.push(`${where()}: entry has no non-empty string "id"; skipped`);
      return;
    }
    const name = () => JSON.stringify(id);
    if (entry !== undefined && entry !== null && !isObject(entry)) {
      warnings.push(`${where()}: customer ${name()}: expected an object; skipped`);
      return;
    }
    const r = entry ?? {};
    const text = (key: string): string => {
      const v = own(r, key);
      if (v === undefined || v === null || v === '') return UNKNOWN;
      if (typeof v === 'string') return v;
      warnings.push(
        `${where()}: ${name()}.${key}: expected a string, got ${JSON.stringify(v)}; ignored`,
      );
      return UNKNOWN;
    };
    const customer: Customer = { id, plan: text('plan'), segment: text('segment') };
    const mrr = own(r, 'mrrUsd');
    if (mrr !== undefined) {
      if (typeof mrr === 'number' && Number.isFinite(mrr) && mrr >= 0 && mrr <= MAX_MRR_USD) {
        customer.mrrUsd = mrr;
      } else {
        warnings.push(
          `${where()}: ${name()}.mrrUsd: expected a number from 0 to ${MAX_MRR_USD}, got ${JSON.stringify(mrr)}; ignored`,
        );
      }
    }
    const signup = own(r, 'signupDate');
    if (signup !== undefined) {
      const parsed = parseSignupDate(signup);
      if ('ms' in parsed) customer.signupMs = parsed.ms;
      else warnings.push(`${where()}: ${name()}.signupDate: ${parsed.error}; ignored`);
    }
    const prev = byId.get(id);
    if (prev) {
      warnings.push(
        `${where()}: duplicate customer id ${name()} (first at ${at(prev.entry, prev.i)}): the later entry (${lineOrEntry(entry, i)}) wins`,
      );
    }
    byId.set(id, { customer, entry, i });
  });
  return { customers: [...byId.values()].map((v) => v.customer), warnings };
}
