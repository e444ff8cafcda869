#!/usr/bin/env node
// Runs every benchmark script in this folder (bench/*.bench.mjs), one after the other in one
// process tree, against the built packages. Each script prints its own side-by-side table.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const script of scripts) {
  process.stdout.write(`\n=== ${script} ===\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, script)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
if (scripts.length === 0) process.stdout.write('no benchmarks found\n');
process.exit(failed ? 1 : 0);
