import { readFile } from 'node:fs/promises';
import { diag } from '@opentelemetry/api';
import type { Customer, CustomerList, CustomerRecord, CustomersOption } from './types';

const UNKNOWN = 'unknown';

function parseSignup(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  // A bare date means midnight UTC.
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Validates a list or map of customers. Invalid entries are skipped with a `diag` warning that
 * names the source and the entry; never throws for bad entries.
 */
export function normalizeCustomers(list: unknown, source: string): Customer[] {
  let records: CustomerRecord[];
  if (Array.isArray(list)) {
    records = list as CustomerRecord[];
  } else if (list !== null && typeof list === 'object') {
    records = Object.entries(list as Record<string, Omit<CustomerRecord, 'id'>>).map(
      ([id, rest]) => ({ ...(rest ?? {}), id }),
    );
  } else {
    throw new Error(
      `ai-margin: customers from ${source}: expected an array or an object of customers`,
    );
  }
  const byId = new Map<string, Customer>();
  records.forEach((r, i) => {
    if (!r || typeof r.id !== 'string' || r.id === '') {
      diag.warn(`ai-margin: customers from ${source}: entry ${i} has no string "id"; skipped`);
      return;
    }
    const customer: Customer = {
      id: r.id,
      plan: typeof r.plan === 'string' && r.plan !== '' ? r.plan : UNKNOWN,
      segment: typeof r.segment === 'string' && r.segment !== '' ? r.segment : UNKNOWN,
    };
    if (r.mrrUsd !== undefined) {
      if (typeof r.mrrUsd === 'number' && Number.isFinite(r.mrrUsd) && r.mrrUsd >= 0) {
        customer.mrrUsd = r.mrrUsd;
      } else {
        diag.warn(
          `ai-margin: customers from ${source}: "${r.id}".mrrUsd is not a number >= 0; ignored`,
        );
      }
    }
    if (r.signupDate !== undefined) {
      const ms = parseSignup(r.signupDate);
      if (ms === undefined) {
        diag.warn(
          `ai-margin: customers from ${source}: "${r.id}".signupDate is not an ISO date; ignored`,
        );
      } else {
        customer.signupMs = ms;
      }
    }
    byId.set(r.id, customer);
  });
  return [...byId.values()];
}

function isFileOption(o: CustomersOption): o is { file: string; refreshIntervalMs?: number } {
  return !Array.isArray(o) && typeof (o as { file?: unknown }).file === 'string';
}

function isLoaderOption(
  o: CustomersOption,
): o is { load: () => Promise<CustomerList>; refreshIntervalMs?: number } {
  return !Array.isArray(o) && typeof (o as { load?: unknown }).load === 'function';
}

/**
 * The customer directory: static, or refreshed from a file or an async loader on an unref'd
 * timer (it never keeps the process alive). A failed refresh keeps the last good data.
 */
export class CustomerDirectory {
  private customers: readonly Customer[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly loader: (() => Promise<unknown>) | undefined;
  private readonly source: string;
  private loading: Promise<boolean> | undefined;
  /** Settles after the first load (static data: immediately). */
  readonly ready: Promise<void>;
  /** Called with the new customers after each successful load. */
  onLoad: ((customers: readonly Customer[]) => void) | undefined;

  constructor(option: CustomersOption | undefined) {
    if (option === undefined) {
      this.source = 'none';
      this.ready = Promise.resolve();
      return;
    }
    let interval: number | undefined;
    if (isFileOption(option)) {
      const file = option.file;
      this.source = file;
      this.loader = async () => JSON.parse(await readFile(file, 'utf8'));
      interval = option.refreshIntervalMs;
    } else if (isLoaderOption(option)) {
      this.source = 'customers.load()';
      this.loader = option.load;
      interval = option.refreshIntervalMs;
    } else {
      this.source = 'config';
      this.customers = normalizeCustomers(option, this.source);
    }
    this.ready = this.loader ? this.refresh().then(() => undefined) : Promise.resolve();
    if (this.loader && interval !== undefined && interval > 0) {
      this.timer = setInterval(() => {
        void this.refresh();
      }, interval);
      this.timer.unref?.();
    }
  }

  /** The current customers (last good load). */
  list(): readonly Customer[] {
    return this.customers;
  }

  /** Reloads now; resolves `true` on success. Never rejects. Concurrent calls share one load. */
  refresh(): Promise<boolean> {
    const loader = this.loader;
    if (!loader) return Promise.resolve(true);
    if (this.loading) return this.loading;
    this.loading = (async () => {
      try {
        const next = normalizeCustomers(await loader(), this.source);
        this.customers = next;
        try {
          this.onLoad?.(next);
        } catch (err) {
          diag.error('ai-margin: customer directory onLoad failed', err);
        }
        return true;
      } catch (err) {
        diag.warn(
          `ai-margin: customer directory refresh from ${this.source} failed; keeping the last good data (${this.customers.length} customers)`,
          err,
        );
        return false;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
