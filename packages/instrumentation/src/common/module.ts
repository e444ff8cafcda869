/**
 * Helpers for the module objects instrumentations receive: a CommonJS `module.exports`, an ESM
 * namespace (from the import-in-the-middle hook, or `import * as x` in a test), or a namespace
 * whose `default` holds the CommonJS exports. {@link exportOf} finds a named export in any of them.
 */

export type ModuleExports = Record<string, unknown>;

function asRecord(v: unknown): ModuleExports | undefined {
  return (typeof v === 'object' || typeof v === 'function') && v !== null
    ? (v as ModuleExports)
    : undefined;
}

/** The export `name` of `moduleExports`, looking at the namespace first, then its `default`. */
export function exportOf(moduleExports: unknown, name: string): unknown {
  const ns = asRecord(moduleExports);
  if (!ns) return undefined;
  if (ns[name] !== undefined) return ns[name];
  return asRecord(ns.default)?.[name];
}

/** The `prototype` of a class-valued `holder[name]`, if there is one. */
export function prototypeOf(holder: unknown, name: string): ModuleExports | undefined {
  const cls = asRecord(holder)?.[name];
  return typeof cls === 'function'
    ? asRecord((cls as { prototype?: unknown }).prototype)
    : undefined;
}

export function isRecord(v: unknown): v is ModuleExports {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const OWN_WRAPPER = Symbol.for('@ai-margin/instrumentation.wrapper');

/** Tags a wrapper function as ai-margin's, so unpatching removes ours but never another tool's. */
export function markOwnWrapper<F extends (...args: never[]) => unknown>(fn: F): F {
  Object.defineProperty(fn, OWN_WRAPPER, { value: true });
  return fn;
}

/** True when `fn` is a wrapper made by an ai-margin instrumentation. */
export function isOwnWrapper(fn: unknown): boolean {
  return (
    typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[OWN_WRAPPER] === true
  );
}
