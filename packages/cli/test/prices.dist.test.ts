/** The built `ai-margin` binary, as scripts call it (plain node, dist/ output). */
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = join(root, 'packages/cli/bin/ai-margin.js');

/** Newest modification time of any file under `dir` (0 when missing). */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) max = Math.max(max, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return max;
}

function oldest(files: string[]): number {
  return Math.min(...files.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
}

beforeAll(() => {
  // Build when dist/ is missing or older than the sources. `npm test` has just built everything,
  // so it skips the rebuild there: a rebuild (tsup cleans dist/) would race other test files that
  // use the built packages at the same time.
  const sources = Math.max(
    newest(join(root, 'packages/processor/src')),
    newest(join(root, 'packages/cli/src')),
  );
  const built = oldest([
    join(root, 'packages/processor/dist/index.js'),
    join(root, 'packages/cli/dist/main.js'),
  ]);
  if (built < sources) {
    execSync(
      'npm run build -w @ai-margin/conventions -w @ai-margin/instrumentation -w @ai-margin/processor -w @ai-margin/dashboards -w @ai-margin/reconcile -w @ai-margin/cli',
      {
        cwd: root,
        stdio: 'pipe',
      },
    );
  }
}, 240_000);

function cli(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
}

describe('ai-margin prices (built binary)', () => {
  it('cost --json prints one JSON object with costUsd, period and breakdown', () => {
    const r = cli(
      'prices',
      'cost',
      '--provider',
      'anthropic',
      '--model',
      'claude-sonnet-4-5-20250929',
      '--at',
      '2025-10-01T00:00:00Z',
      '--input',
      '1000',
      '--output',
      '1000',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(typeof out.costUsd).toBe('number');
    expect(out.costUsd).toBeGreaterThan(0);
    expect(out.period.model).toBe('claude-sonnet-4-5-20250929');
    expect(Object.keys(out.breakdown).sort()).toEqual(
      [
        'cacheRead',
        'cacheWrite1h',
        'cacheWrite5m',
        'cacheWrite30m',
        'cacheWrite12h',
        'input',
        'output',
        'reasoning',
      ].sort(),
    );
  });

  it('exit codes: 3 unpriced, 2 bad input', () => {
    const unknown = cli(
      'prices',
      'cost',
      '--provider',
      'openai',
      '--model',
      'nope',
      '--at',
      '2025-01-01T00:00:00Z',
      '--input',
      '1',
      '--output',
      '1',
      '--json',
    );
    expect(unknown.status).toBe(3);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ costUsd: null, reason: 'unknown_model' });
    const bad = cli(
      'prices',
      'cost',
      '--provider',
      'openai',
      '--model',
      'o3',
      '--at',
      'now',
      '--input',
      '1',
      '--output',
      '1',
      '--json',
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--at');
  });
});
