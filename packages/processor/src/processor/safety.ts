import { diag } from '@opentelemetry/api';

/**
 * Internal error accounting: counts by kind (exported as `ai_margin_processor_errors_total{kind}`)
 * and logs the first error of each kind through `diag`, so a bug cannot flood the logs.
 */
export class ErrorBook {
  readonly counts = new Map<string, number>();

  record(kind: string, err: unknown): void {
    try {
      const n = this.counts.get(kind);
      if (n === undefined) {
        // Kinds are a fixed set of call sites, so this map stays small.
        this.counts.set(kind, 1);
        diag.error(`ai-margin: internal error in ${kind} (further ones are only counted)`, err);
      } else {
        this.counts.set(kind, n + 1);
      }
    } catch {
      // Logging must never throw into the span path.
    }
  }
}
