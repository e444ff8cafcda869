import { type Context, context, createContextKey } from '@opentelemetry/api';

/** Who a call is for and which product feature made it. Extra keys are free-form strings. */
export interface Attribution {
  customerId?: string;
  feature?: string;
  [key: string]: string | undefined;
}

// Symbol.for() under the hood, so every copy of this package in a process shares the key.
const ATTRIBUTION_KEY = createContextKey('@ai-margin/attribution');

/** The attribution active in `ctx` (default: the active context), or `undefined`. */
export function getAttribution(ctx: Context = context.active()): Readonly<Attribution> | undefined {
  return ctx.getValue(ATTRIBUTION_KEY) as Readonly<Attribution> | undefined;
}

/**
 * A context carrying `attribution` merged over the one already in `ctx`: inner values override
 * outer ones (a nested `feature` replaces the outer feature); `undefined` values are ignored.
 */
export function setAttribution(ctx: Context, attribution: Attribution): Context {
  const merged: Attribution = { ...getAttribution(ctx) };
  for (const [key, value] of Object.entries(attribution)) {
    if (typeof value === 'string' && value !== '') merged[key] = value;
  }
  return ctx.setValue(ATTRIBUTION_KEY, Object.freeze(merged));
}

/**
 * Runs `fn` with `attribution` active: every span started inside (ours or any other
 * instrumentation's) is tagged with it by the MarginSpanProcessor.
 */
export function withAttribution<R>(attribution: Attribution, fn: () => R): R {
  return context.with(setAttribution(context.active(), attribution), fn);
}
