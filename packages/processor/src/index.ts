export * from './cost/types';
export * from './metrics/catalog';
export * from './prices/index';
