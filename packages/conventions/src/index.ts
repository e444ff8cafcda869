/**
 * @ai-margin/conventions: every name ai-margin shares between packages, in one place.
 *
 * - span attribute keys (written by the instrumentation, read by the processor): `span-attributes.ts`
 * - metric names, units, descriptions and label names (used by both exporters, the query catalog,
 *   the CLI and reconciliation): `metrics.ts`
 * - label values more than one package writes or selects on: `label-values.ts`
 *
 * No dependencies, so every package (and a user's own tooling) can import it cheaply.
 */
export * from './label-values';
export * from './metrics';
export * from './span-attributes';
