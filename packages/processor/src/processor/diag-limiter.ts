import { diag } from '@opentelemetry/api';

/** Lines of one kind logged per interval; the rest are counted and reported with the next line. */
export const DIAG_LINES_PER_INTERVAL = 10;
export const DIAG_INTERVAL_MS = 60_000;

interface KindState {
  windowStart: number;
  logged: number;
  suppressed: number;
}

/**
 * `diag.warn` with a budget per kind of warning: at most {@link DIAG_LINES_PER_INTERVAL} lines
 * per {@link DIAG_INTERVAL_MS}, so hostile input (a million unknown model names) cannot flood the
 * logs. Suppressed lines are counted; the first line after the interval says how many there were,
 * and `flush()` (at shutdown) reports what is left. Kinds are a fixed set of call sites.
 */
export class DiagLimiter {
  private readonly kinds = new Map<string, KindState>();

  constructor(
    private readonly clock: () => number,
    private readonly linesPerInterval = DIAG_LINES_PER_INTERVAL,
    private readonly intervalMs = DIAG_INTERVAL_MS,
  ) {}

  /** Logs `message()` unless the kind's budget is spent (the message is only built when logged). */
  warn(kind: string, message: () => string): void {
    try {
      const now = this.clock();
      let s = this.kinds.get(kind);
      if (s === undefined) {
        s = { windowStart: now, logged: 0, suppressed: 0 };
        this.kinds.set(kind, s);
      } else if (!(now - s.windowStart < this.intervalMs)) {
        s.windowStart = now;
        s.logged = 0;
      }
      if (s.logged >= this.linesPerInterval) {
        s.suppressed++;
        return;
      }
      s.logged++;
      const skipped = s.suppressed;
      s.suppressed = 0;
      diag.warn(
        skipped > 0 ? `${message()} (${skipped} more ${kind} warnings were not logged)` : message(),
      );
    } catch {
      // Logging must never throw into the span path.
    }
  }

  /** Reports the counts of lines not logged yet (e.g. at shutdown). */
  flush(): void {
    for (const [kind, s] of this.kinds) {
      if (s.suppressed === 0) continue;
      try {
        diag.warn(`ai-margin: ${s.suppressed} more ${kind} warnings were not logged`);
      } catch {
        // As above.
      }
      s.suppressed = 0;
    }
  }
}
