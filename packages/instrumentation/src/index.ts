export * from './attribution/index';
export * as semconv from './semconv';
