import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Context, context, diag, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import {
  attributionFromBaggage,
  type BaggagePropagationOptions,
  setAttributionBaggage,
} from './baggage';
import { type Attribution, setAttribution } from './context';

/** Options shared by {@link attributionHandler} and {@link attributionMiddleware}. */
export interface AttributionMiddlewareOptions<Req> {
  /**
   * Who the request is for: usually read from the authenticated session or an API key lookup.
   * Return `undefined` for an anonymous request. Must be synchronous and cheap; if it throws, the
   * request runs without attribution (the error goes to `diag`).
   */
  resolve: (req: Req) => Attribution | undefined;
  /**
   * Opt-in W3C baggage propagation. Off by default. When set, allow-listed attribution keys are
   * read from the incoming baggage (a value from `resolve` wins) and written to the baggage of
   * the request's context, so they travel in the `baggage` header of every outgoing HTTP call —
   * including calls to LLM providers and other third parties. See {@link BaggagePropagationOptions}.
   */
  baggage?: BaggagePropagationOptions & {
    /** Read allow-listed keys from incoming baggage. Default `true`. */
    extract?: boolean;
    /** Write allow-listed keys into the outgoing baggage. Default `true`. */
    inject?: boolean;
  };
}

/** The context in which a request runs: active context + baggage (opt-in) + resolved attribution. */
function requestContext<Req>(req: Req, options: AttributionMiddlewareOptions<Req>): Context {
  const active = context.active();
  let resolved: Attribution | undefined;
  try {
    resolved = options.resolve(req);
  } catch (err) {
    diag.warn('ai-margin: attribution resolve() threw; request runs without attribution', err);
  }
  const baggageOptions = options.baggage;
  const fromBaggage =
    baggageOptions && baggageOptions.extract !== false
      ? incomingBaggage(req, active, baggageOptions)
      : undefined;
  if (!resolved && !fromBaggage) return active;
  let ctx = active;
  if (fromBaggage) ctx = setAttribution(ctx, fromBaggage);
  if (resolved) ctx = setAttribution(ctx, resolved);
  if (baggageOptions && baggageOptions.inject !== false) {
    ctx = setAttributionBaggage(ctx, { ...fromBaggage, ...definedOnly(resolved) }, baggageOptions);
  }
  return ctx;
}

/**
 * Allow-listed attribution from the baggage already in the active context (extracted by the HTTP
 * instrumentation) or, without one, from the request's `baggage` header. Only baggage is read
 * from the headers: the trace context of the active span is left alone.
 */
function incomingBaggage<Req>(
  req: Req,
  active: Context,
  options: BaggagePropagationOptions,
): Attribution | undefined {
  const fromContext = attributionFromBaggage(active, options);
  const headers = (req as { headers?: unknown } | undefined)?.headers;
  if (headers === null || typeof headers !== 'object') return fromContext;
  let fromHeaders: Attribution | undefined;
  try {
    fromHeaders = attributionFromBaggage(
      propagation.extract(ROOT_CONTEXT, headers as Record<string, unknown>),
      options,
    );
  } catch (err) {
    diag.debug('ai-margin: could not extract baggage from request headers', err);
  }
  if (!fromHeaders) return fromContext;
  return { ...fromHeaders, ...fromContext };
}

function definedOnly(attribution: Attribution | undefined): Attribution {
  const out: Attribution = {};
  if (!attribution) return out;
  for (const [key, value] of Object.entries(attribution)) {
    if (typeof value === 'string' && value !== '') out[key] = value;
  }
  return out;
}

/**
 * Wraps a plain Node request handler (`http.createServer(handler)`): the handler and everything
 * it starts (including async work) run with the request's attribution active.
 *
 * ```ts
 * http.createServer(attributionHandler(handler, { resolve: (req) => ({ customerId: tenantOf(req) }) }));
 * ```
 */
export function attributionHandler<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
  R = void,
>(
  handler: (req: Req, res: Res) => R,
  options: AttributionMiddlewareOptions<Req>,
): (req: Req, res: Res) => R {
  return function handleWithAttribution(this: unknown, req: Req, res: Res): R {
    const ctx = requestContext(req, options);
    return context.with(ctx, handler, this, req, res);
  };
}

/**
 * Express/Connect-style middleware `(req, res, next)`: later middleware and the route handler run
 * with the request's attribution active.
 *
 * ```ts
 * app.use(attributionMiddleware({ resolve: (req) => ({ customerId: req.user?.orgId }) }));
 * ```
 */
export function attributionMiddleware<Req = IncomingMessage, Res = unknown>(
  options: AttributionMiddlewareOptions<Req>,
): (req: Req, res: Res, next: (err?: unknown) => void) => void {
  return function aiMarginAttribution(req: Req, _res: Res, next: (err?: unknown) => void): void {
    const ctx = requestContext(req, options);
    context.with(ctx, next);
  };
}
