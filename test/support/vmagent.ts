/**
 * vmagent for the end-to-end tests: receives OTLP (and anything else VictoriaMetrics ingests) on
 * 127.0.0.1 and remote-writes it to one or more backends, the way a platform team puts it in
 * front of VictoriaMetrics, Prometheus, Mimir or Thanos Receive.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateBackends } from './backends';
import { freePort, startProc, waitForHttp } from './proc';
import type { Server } from './servers';

export interface VmagentOptions {
  /**
   * Remote-write targets, e.g. `http://vm/api/v1/write` (VictoriaMetrics) or
   * `http://prom/api/v1/write` (Prometheus with `--web.enable-remote-write-receiver`).
   */
  remoteWrite: ReadonlyArray<{ url: string; protocol?: 'prometheus' | 'auto' }>;
  /** Relabeling rules (YAML list) applied to every sample before remote write. */
  relabelConfig?: string;
  /** Extra command-line flags. */
  flags?: string[];
}

/**
 * vmagent with `-opentelemetry.usePrometheusNaming` (as VictoriaMetrics runs here), flushing to
 * every target every 200 ms. OTLP is accepted at `${url}/opentelemetry/v1/metrics`. Targets with
 * `protocol: 'prometheus'` get the Prometheus remote-write protocol from the first request
 * (`-remoteWrite.forcePromProto`) instead of vmagent's probe for VictoriaMetrics' own protocol.
 */
export async function startVmagent(options: VmagentOptions): Promise<Server> {
  const { vmagent } = locateBackends();
  const dir = mkdtempSync(join(tmpdir(), 'ai-margin-vmagent-'));
  const port = await freePort();
  const args = [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-remoteWrite.tmpDataPath=${join(dir, 'queue')}`,
    '-remoteWrite.flushInterval=200ms',
    '-opentelemetry.usePrometheusNaming',
    '-loggerLevel=WARN',
  ];
  for (const target of options.remoteWrite) {
    args.push(
      `-remoteWrite.url=${target.url}`,
      `-remoteWrite.forcePromProto=${target.protocol === 'prometheus'}`,
    );
  }
  if (options.relabelConfig !== undefined) {
    const file = join(dir, 'relabel.yml');
    writeFileSync(file, options.relabelConfig);
    args.push(`-remoteWrite.relabelConfig=${file}`);
  }
  args.push(...(options.flags ?? []));
  const proc = startProc('vmagent', vmagent, args);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${url}/health`, () => `vmagent log:\n${proc.log()}`, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, dir, proc, stop };
}
