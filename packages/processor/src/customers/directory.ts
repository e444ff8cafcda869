import { diag } from '@opentelemetry/api';
import { readCustomersFile } from './file';
import type { Customer, CustomerList, CustomersOption } from './types';
import { type CustomerSourceInfo, validateCustomers } from './validate';

/** Warnings logged per load at most; the rest are counted in one summary line. */
export const MAX_CUSTOMER_WARNINGS = 20;

function logWarnings(warnings: readonly string[]): void {
  for (const w of warnings.slice(0, MAX_CUSTOMER_WARNINGS)) diag.warn(`ai-margin: customers ${w}`);
  if (warnings.length > MAX_CUSTOMER_WARNINGS) {
    diag.warn(
      `ai-margin: customers: ${warnings.length - MAX_CUSTOMER_WARNINGS} more problem(s) not shown`,
    );
  }
}

/**
 * Validates a list or map of customers. Invalid fields are ignored and invalid entries skipped,
 * each with a `diag` warning that names the source, the entry and the field; never throws for
 * bad entries.
 */
export function normalizeCustomers(list: unknown, source: string): Customer[] {
  const { customers, warnings } = validateCustomers(list, { source });
  logWarnings(warnings);
  return customers;
}

function isFileOption(o: CustomersOption): o is { file: string; refreshIntervalMs?: number } {
  return !Array.isArray(o) && typeof (o as { file?: unknown }).file === 'string';
}

function isLoaderOption(
  o: CustomersOption,
): o is { load: () => Promise<CustomerList>; refreshIntervalMs?: number } {
  return !Array.isArray(o) && typeof (o as { load?: unknown }).load === 'function';
}

type Loader = () => Promise<{ list: unknown; info: CustomerSourceInfo }>;

/**
 * The customer directory: static, or refreshed from a file or an async loader on an unref'd
 * timer (it never keeps the process alive). A failed refresh keeps the last good data.
 * Warnings repeat only when they change, so a refresh every minute does not flood the log.
 */
export class CustomerDirectory {
  private customers: readonly Customer[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly loader: Loader | undefined;
  private readonly source: string;
  private loading: Promise<boolean> | undefined;
  private lastWarnings = '';
  private lastFailure = '';
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
      this.loader = () => readCustomersFile(file);
      interval = option.refreshIntervalMs;
    } else if (isLoaderOption(option)) {
      const source = 'customers.load()';
      this.source = source;
      const load = option.load;
      this.loader = async () => ({ list: await load(), info: { source } });
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
        const { list, info } = await loader();
        const { customers: next, warnings } = validateCustomers(list, info);
        const key = warnings.join('\n');
        if (key !== this.lastWarnings) logWarnings(warnings);
        this.lastWarnings = key;
        this.customers = next;
        if (this.lastFailure !== '') {
          diag.info(`ai-margin: customer directory refresh from ${this.source} works again`);
          this.lastFailure = '';
        }
        try {
          this.onLoad?.(next);
        } catch (err) {
          diag.error('ai-margin: customer directory onLoad failed', err);
        }
        return true;
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        if (reason !== this.lastFailure) {
          diag.warn(
            `ai-margin: customer directory refresh from ${this.source} failed: ${reason}; keeping the last good data (${this.customers.length} customers)`,
          );
        }
        this.lastFailure = reason;
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
