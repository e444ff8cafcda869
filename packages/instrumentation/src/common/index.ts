/**
 * Shared building blocks of the ai-margin GenAI instrumentations (span lifecycle, error
 * classification, semconv metrics, usage attributes, stream wrapping, content capture).
 */
export * from './config';
export * from './coverage';
export * from './errors';
export * from './extension';
export * from './flow';
export * from './instrumentation';
export * from './metrics';
export * from './module';
export * from './span';
export * from './stream';
export * from './usage';
export * from './version-range';
