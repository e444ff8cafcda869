import type { Options } from 'tsup';

/** Shared build settings: ESM + CJS with type declarations, one bundle per public entry point. */
export function preset(entry: Record<string, string>, overrides: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    // @internal declarations are left out of the published types (the API reports check it).
    dts: { compilerOptions: { stripInternal: true } },
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
