import type { Options } from 'tsup';

/** Shared build settings: ESM + CJS with type declarations, one bundle per public entry point. */
export function preset(entry: Record<string, string>, overrides: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node22',
    platform: 'node',
    splitting: false,
    treeshake: true,
    outDir: 'dist',
    ...overrides,
  };
}
