/**
 * Real backends for tests: locates the binaries fetched by `scripts/backends.sh` and runs
 * VictoriaMetrics on an ephemeral port with a throwaway storage dir.
 *
 * API:
 *   locateBackends(): BackendPaths
 *     Runs scripts/backends.sh (downloads on first use, cached in .cache/backends; honours the
 *     AI_MARGIN_* path overrides) and returns absolute binary paths. Throws if any is missing,
 *     so tests fail instead of skipping.
 *   startVictoriaMetrics(options?): Promise<VictoriaMetrics>
 *     Starts victoria-metrics on 127.0.0.1:<ephemeral> with -opentelemetry.usePrometheusNaming,
 *     -search.latencyOffset=0s, -retentionPeriod=100y and a temp -storageDataPath; resolves
 *     when /health answers OK. `url` is the base URL (query API at `${url}/api/v1/query`,
 *     OTLP at `${url}/opentelemetry/v1/metrics`, text import at
 *     `${url}/api/v1/import/prometheus`). `stop()` kills it and deletes the storage dir.
 *   importPrometheusText(url, text): Promise<void>
 *     POSTs exposition-format lines (optionally with ms timestamps) to VM and flushes them so
 *     they are queryable at once.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface BackendPaths {
  victoriaMetrics: string;
  vmalert: string;
  /** Absent when the victoria-metrics package does not ship it. */
  vmalertTool?: string;
  vmagent: string;
  prometheus: string;
  promtool: string;
  alertmanager: string;
  amtool: string;
}

const ENV_TO_KEY: Record<string, keyof BackendPaths> = {
  AI_MARGIN_VICTORIA_METRICS: 'victoriaMetrics',
  AI_MARGIN_VMALERT: 'vmalert',
  AI_MARGIN_VMALERT_TOOL: 'vmalertTool',
  AI_MARGIN_VMAGENT: 'vmagent',
  AI_MARGIN_PROMETHEUS: 'prometheus',
  AI_MARGIN_PROMTOOL: 'promtool',
  AI_MARGIN_ALERTMANAGER: 'alertmanager',
  AI_MARGIN_AMTOOL: 'amtool',
};

let cached: BackendPaths | undefined;

export function locateBackends(): BackendPaths {
  if (cached) return cached;
  const out = execFileSync('bash', [join(REPO_ROOT, 'scripts/backends.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const found: Partial<BackendPaths> = {};
  for (const line of out.split('\n')) {
    const m = /^export (AI_MARGIN_[A-Z_]+)=(.+)$/.exec(line);
    const key = m ? ENV_TO_KEY[m[1]!] : undefined;
    if (m && key) found[key] = m[2]!;
  }
  for (const key of [
    'victoriaMetrics',
    'vmalert',
    'vmagent',
    'prometheus',
    'promtool',
    'alertmanager',
    'amtool',
  ] as const) {
    if (!found[key]) throw new Error(`scripts/backends.sh did not report ${key}:\n${out}`);
  }
  cached = found as BackendPaths;
  return cached;
}

export interface VictoriaMetrics {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  storageDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface StartVictoriaMetricsOptions {
  /** Extra command-line flags. */
  flags?: string[];
  /** Startup timeout in ms (default 20 s). */
  timeoutMs?: number;
}

export async function startVictoriaMetrics(
  options: StartVictoriaMetricsOptions = {},
): Promise<VictoriaMetrics> {
  const { victoriaMetrics } = locateBackends();
  const storageDir = mkdtempSync(join(tmpdir(), 'ai-margin-vm-'));
  const child = spawn(
    victoriaMetrics,
    [
      '-httpListenAddr=127.0.0.1:0',
      `-storageDataPath=${storageDir}`,
      '-retentionPeriod=100y',
      '-opentelemetry.usePrometheusNaming',
      '-search.latencyOffset=0s',
      '-loggerLevel=INFO',
      ...(options.flags ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`victoria-metrics did not start in time:\n${log}`)),
      options.timeoutMs ?? 20_000,
    );
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = /started server at http:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`victoria-metrics exited with ${code}:\n${log}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`victoria-metrics /health not OK:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    storageDir,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}

/** Imports Prometheus exposition text (ms timestamps allowed) and makes it queryable now. */
export async function importPrometheusText(url: string, text: string): Promise<void> {
  const r = await fetch(`${url}/api/v1/import/prometheus`, { method: 'POST', body: text });
  if (!r.ok) throw new Error(`import failed: ${r.status} ${await r.text()}`);
  const f = await fetch(`${url}/internal/force_flush`);
  if (!f.ok) throw new Error(`force_flush failed: ${f.status}`);
}
