/**
 * Runs examples/service as a user would: `node --import ./telemetry.mjs server.mjs`, a plain node
 * child process using the built `dist/` of the workspace packages (built here when missing).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './backends';
import { type Proc, startProc } from './proc';

export const SERVICE_DIR = join(REPO_ROOT, 'examples/service');

const PACKAGES = ['conventions', 'provider-sim', 'instrumentation', 'processor'];

/**
 * Builds the packages the example imports if their dist/ is missing (a fresh clone running
 * `npm run test:e2e` without `npm run build`). A lock directory keeps two test files from
 * building the same package at once.
 */
export function ensureBuilt(): void {
  const missing = () =>
    PACKAGES.filter((p) => !existsSync(join(REPO_ROOT, 'packages', p, 'dist/index.js')));
  if (missing().length === 0) return;
  const lock = join(REPO_ROOT, '.cache/e2e-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${lock}; remove it if stale`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    for (const pkg of missing()) {
      execFileSync('npm', ['run', 'build', '-w', `@ai-margin/${pkg}`], {
        cwd: REPO_ROOT,
        stdio: 'inherit',
      });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Service {
  url: string;
  proc: Proc;
  stop(): Promise<void>;
}

/**
 * The test's environment minus anything that would send the service elsewhere: provider keys
 * and base URLs (a test never reaches a real provider) and the developer's OTel settings.
 */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(OTEL_|OPENAI_|ANTHROPIC_|AI_MARGIN_)/.test(key)) delete env[key];
  }
  return env;
}

/** Starts the example service on an ephemeral port with `env` added to the environment. */
export async function startService(env: Record<string, string>): Promise<Service> {
  ensureBuilt();
  const proc = startProc(
    'example service',
    process.execPath,
    ['--import', './telemetry.mjs', 'server.mjs'],
    {
      cwd: SERVICE_DIR,
      env: { ...baseEnv(), HOST: '127.0.0.1', PORT: '0', ...env },
    },
  );
  const m = await proc.waitForLog(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 30_000);
  return { url: m[1]!, proc, stop: () => proc.stop() };
}
