/** Span attribute keys live in @ai-margin/conventions (one place for every shared name). */
export * from '@ai-margin/conventions';
