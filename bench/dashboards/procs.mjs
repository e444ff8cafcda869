// Processes of the dashboard benchmarks: the backend binaries (scripts/backends.sh), starting
// them on a free port and waiting until they answer.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function backendPaths() {
  const out = execFileSync('bash', [join(ROOT, 'scripts/backends.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const env = {};
  for (const line of out.split('\n')) {
    const m = /^export (AI_MARGIN_[A-Z_]+)=(.+)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  return env;
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

export async function waitHttp(url, proc, name, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {}
    if (proc.exitCode !== null) throw new Error(`${name} exited:\n${proc.log()}`);
    if (Date.now() > deadline) throw new Error(`${name} not ready:\n${proc.log()}`);
    await sleep(100);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function start(_name, bin, args) {
  const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (c) => {
    log = (log + c.toString()).slice(-20_000);
  };
  p.stdout.on('data', keep);
  p.stderr.on('data', keep);
  p.log = () => log;
  p.stopped = new Promise((r) => p.once('exit', r));
  p.stop = async () => {
    if (p.exitCode === null) {
      p.kill('SIGTERM');
      await p.stopped;
    }
  };
  return p;
}

export async function startVm(env, tmp, lookbackS) {
  const port = await freePort();
  const proc = start('victoria-metrics', env.AI_MARGIN_VICTORIA_METRICS, [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-storageDataPath=${join(tmp, 'vm')}`,
    '-retentionPeriod=100y',
    '-search.latencyOffset=0s',
    // Samples are --interval apart: look back two of them (Grafana's data source setting too).
    `-search.maxStalenessInterval=${lookbackS}s`,
    '-search.maxQueryDuration=10m',
    '-search.maxUniqueTimeseries=10000000',
    '-search.maxSamplesPerQuery=10000000000',
    '-search.maxPointsPerTimeseries=1000000',
    '-loggerLevel=WARN',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/health`, proc, 'victoria-metrics');
  return { name: 'vm', proc, url, writeUrl: `${url}/api/v1/write` };
}
