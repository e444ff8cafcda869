#!/usr/bin/env node
// Builds every workspace package and stays quiet unless the build fails, so that
// `npm run demo` shows the demo, not pages of bundler logs. On failure the full log is printed.
import { spawnSync } from 'node:child_process';

process.stderr.write('building the packages… ');
const started = Date.now();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const r = spawnSync(npm, ['run', 'build'], {
  encoding: 'utf8',
  shell: process.platform === 'win32',
});
if (r.status !== 0) {
  process.stderr.write('failed\n');
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  process.exit(r.status ?? 1);
}
process.stderr.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
