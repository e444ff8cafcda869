/** Metric names, label names and label values live in @ai-margin/conventions. */
export * from '@ai-margin/conventions';
