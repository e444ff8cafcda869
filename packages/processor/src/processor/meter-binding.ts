import { createNoopMeter, type MeterProvider, metrics } from '@opentelemetry/api';
import { registerOtelMetrics } from '../metrics/otel-sink';
import type { MetricSource } from '../metrics/source';
import type { ErrorBook } from './safety';

const VERSION = '0.1.0';
// While no global MeterProvider is registered, look again every this many spans.
const METER_PROBE_EVERY = 256;

/**
 * Binds the OTel metric path to a MeterProvider: the configured one, or else the global one once
 * an SDK registers it (NodeSDK does so after the processor is constructed), found by probing
 * every {@link METER_PROBE_EVERY} span starts. `false` never binds.
 */
export class MeterBinding {
  /** Bound (or given up after an error, or told never to bind): nothing left to probe for. */
  bound = false;
  // The first span probes (the global may have been registered since construction).
  private probeCount = METER_PROBE_EVERY - 1;

  constructor(
    private readonly explicit: MeterProvider | false | undefined,
    private readonly source: MetricSource,
    private readonly errors: ErrorBook,
  ) {
    this.bind();
  }

  /** Called at span starts while not `bound`: now and then, tries again to bind. */
  probe(): void {
    if (!this.bound && ++this.probeCount >= METER_PROBE_EVERY) {
      this.probeCount = 0;
      this.bind();
    }
  }

  /** Binds now if not bound yet (a no-op global MeterProvider does not count). */
  bind(): void {
    if (this.bound) return;
    if (this.explicit === false) {
      this.bound = true;
      return;
    }
    try {
      const provider = this.explicit ?? metrics.getMeterProvider();
      // The API's global is a no-op until an SDK registers one; try again later in that case.
      if (this.explicit === undefined) {
        if (provider.getMeter('@ai-margin/probe') === createNoopMeter()) return;
      }
      registerOtelMetrics(provider, this.source, VERSION, (kind, err) =>
        this.errors.record(kind, err),
      );
      this.bound = true;
    } catch (err) {
      this.errors.record('otel_register', err);
      this.bound = true;
    }
  }
}
