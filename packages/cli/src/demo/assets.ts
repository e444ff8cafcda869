/**
 * uPlot's script and stylesheet, read from the installed package at run time so the HTML report
 * can inline them and open offline as a single file.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

function resolver(): NodeRequire {
  // CJS build: from this file's name; ESM build (no __filename): from this module's URL.
  // (A bare `require` would be bundler-shimmed in the ESM build, without `.resolve`.)
  return createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
}

export interface UplotAssets {
  js: string;
  css: string;
}

let cached: UplotAssets | undefined;

export function loadUplotAssets(): UplotAssets {
  if (cached) return cached;
  const dir = join(dirname(resolver().resolve('uplot/package.json')), 'dist');
  cached = {
    js: readFileSync(join(dir, 'uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(join(dir, 'uPlot.min.css'), 'utf8'),
  };
  return cached;
}
