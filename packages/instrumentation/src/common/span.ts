/**
 * The life of one GenAI client span, shared by every instrumentation:
 * - {@link startGenAISpan} starts `"{operation} {model}"`, kind CLIENT, as a child of the active
 *   context, with the sampling-relevant attributes (operation, provider, request model,
 *   `server.address`, `server.port`) set AT START, as semconv asks;
 * - {@link GenAISpan} collects the response (model, id, finish reasons, usage) and ends the span
 *   exactly once: `end()` for success, `fail(err)` for errors (error.type + ERROR status). It
 *   records the semconv metrics at that moment. A successful call without usage gets
 *   `ai_margin.usage.missing=true` so the processor counts it as unpriced, never as $0.
 * Nothing here throws into user code: every step is guarded and logged with `diag`.
 */

import {
  ATTR_AI_MARGIN_USAGE_MISSING,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@ai-margin/conventions';
import {
  type Attributes,
  type AttributeValue,
  type Context,
  context,
  type DiagLogger,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { classifyError } from './errors';
import { type GenAIMetrics, recordGenAIMetrics } from './metrics';
import { type GenAIUsage, hasUsage, setUsageAttributes } from './usage';

export interface GenAISpanStart {
  operation: string;
  provider: string;
  requestModel: string | undefined;
  serverAddress?: string;
  serverPort?: number;
  /** More attributes set at start (request parameters). */
  attributes?: Attributes;
}

// A client's base URL rarely changes: parse each one once (bounded, for many tenants' URLs).
const serverCache = new Map<string, { serverAddress?: string; serverPort?: number }>();
const SERVER_CACHE_MAX = 64;

/** `server.address` / `server.port` of a base URL (port defaulted from the scheme). */
export function serverAttributes(baseURL: unknown): {
  serverAddress?: string;
  serverPort?: number;
} {
  if (typeof baseURL !== 'string' || baseURL === '') return {};
  const cached = serverCache.get(baseURL);
  if (cached) return cached;
  let result: { serverAddress?: string; serverPort?: number } = {};
  try {
    const url = new URL(baseURL);
    const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
    result = { serverAddress: url.hostname, serverPort: port };
  } catch {
    // not a URL: no server attributes
  }
  if (serverCache.size >= SERVER_CACHE_MAX) serverCache.clear();
  serverCache.set(baseURL, result);
  return result;
}

/** Runs `fn`; logs and swallows what it throws, so telemetry never breaks the call. */
export function guard<T>(diag: DiagLogger, what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    diag.error(`${what} failed`, err);
    return undefined;
  }
}

export class GenAISpan {
  readonly span: Span;
  /** The active context with this span set: run the SDK call in it. */
  readonly context: Context;
  private readonly startMs = performance.now();
  private readonly metricAttributes: Attributes;
  private usage: GenAIUsage | undefined;
  private ended = false;
  /** Whether this call records content; decided once at start (see shouldCaptureContent). */
  captureContent = false;

  constructor(
    tracer: Tracer,
    start: GenAISpanStart,
    private readonly metrics: GenAIMetrics | undefined,
    private readonly diag: DiagLogger,
  ) {
    const common: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: start.operation,
      [ATTR_GEN_AI_PROVIDER_NAME]: start.provider,
    };
    if (start.requestModel) common[ATTR_GEN_AI_REQUEST_MODEL] = start.requestModel;
    if (start.serverAddress) common[ATTR_SERVER_ADDRESS] = start.serverAddress;
    if (start.serverPort) common[ATTR_SERVER_PORT] = start.serverPort;
    this.metricAttributes = common;
    const parent = context.active();
    const name = start.requestModel ? `${start.operation} ${start.requestModel}` : start.operation;
    this.span = tracer.startSpan(
      name,
      { kind: SpanKind.CLIENT, attributes: { ...common, ...start.attributes } },
      parent,
    );
    this.context = trace.setSpan(parent, this.span);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Sets one attribute when `value` is defined (no-op after the end). */
  set(key: string, value: AttributeValue | undefined): void {
    if (value !== undefined && value !== null && !this.ended) this.span.setAttribute(key, value);
  }

  setResponse(r: { model?: unknown; id?: unknown; finishReasons?: string[] }): void {
    if (typeof r.model === 'string' && r.model) {
      this.set(ATTR_GEN_AI_RESPONSE_MODEL, r.model);
      this.metricAttributes[ATTR_GEN_AI_RESPONSE_MODEL] = r.model;
    }
    if (typeof r.id === 'string' && r.id) this.set(ATTR_GEN_AI_RESPONSE_ID, r.id);
    if (r.finishReasons && r.finishReasons.length > 0) {
      this.set(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, r.finishReasons);
    }
  }

  /** Stores usage; the last call wins field by field (stream events refine earlier counts). */
  setUsage(usage: GenAIUsage): void {
    const merged: GenAIUsage = { ...this.usage };
    for (const [k, v] of Object.entries(usage) as [keyof GenAIUsage, number | undefined][]) {
      if (v !== undefined) merged[k] = v;
    }
    this.usage = merged;
  }

  /**
   * Ends the span as a success. `usageExpected: false` (e.g. a call that was broken off before
   * any response) skips the missing-usage marker.
   */
  end(opts: { usageExpected?: boolean } = {}): void {
    if (this.ended) return;
    guard(this.diag, 'ending GenAI span', () => {
      this.finishUsage(opts.usageExpected ?? true);
      this.finish();
    });
  }

  /** Ends the span as a failure: `error.type`, ERROR status, the exception event. */
  fail(err: unknown, opts: { usageExpected?: boolean } = {}): void {
    if (this.ended) return;
    guard(this.diag, 'ending failed GenAI span', () => {
      const c = classifyError(err);
      this.span.setAttribute(ATTR_ERROR_TYPE, c.type);
      this.metricAttributes[ATTR_ERROR_TYPE] = c.type;
      if (c.status !== undefined) this.span.setAttribute('http.response.status_code', c.status);
      if (err instanceof Error) this.span.recordException(err);
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: c.message });
      this.finishUsage(opts.usageExpected ?? false);
      this.finish();
    });
  }

  private finishUsage(usageExpected: boolean): void {
    if (hasUsage(this.usage)) setUsageAttributes(this.span, this.usage);
    else if (usageExpected) this.span.setAttribute(ATTR_AI_MARGIN_USAGE_MISSING, true);
  }

  private finish(): void {
    this.ended = true;
    const seconds = (performance.now() - this.startMs) / 1000;
    this.span.end();
    if (this.metrics) {
      recordGenAIMetrics(
        this.metrics,
        this.metricAttributes,
        seconds,
        this.usage?.inputTokens,
        this.usage?.outputTokens,
      );
    }
  }
}

/** Starts a {@link GenAISpan}; see the file comment. */
export function startGenAISpan(
  tracer: Tracer,
  start: GenAISpanStart,
  metrics: GenAIMetrics | undefined,
  diag: DiagLogger,
): GenAISpan {
  return new GenAISpan(tracer, start, metrics, diag);
}
