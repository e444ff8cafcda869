/**
 * Prometheus, Alertmanager and vmalert for the end-to-end tests, on 127.0.0.1 with temp dirs.
 * Binaries come from `locateBackends()` (scripts/backends.sh); a server that cannot start throws
 * with its log, so the suite fails instead of skipping.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { locateBackends, REPO_ROOT } from './backends';
import { freePort, type Proc, startProc, waitForHttp } from './proc';

export interface Server {
  url: string;
  port: number;
  dir: string;
  proc: Proc;
  stop(): Promise<void>;
}

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ai-margin-${prefix}-`));
}

async function finish(
  name: string,
  proc: Proc,
  port: number,
  dir: string,
  readyPath: string,
): Promise<Server> {
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}${readyPath}`, () => `${name} log:\n${proc.log()}`, 30_000);
  } catch (err) {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    port,
    dir,
    proc,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Prometheus 2.53 with `configYaml` written to a temp prometheus.yml; `flags` are added to the
 * command line (e.g. `--web.enable-remote-write-receiver`).
 */
export async function startPrometheus(configYaml: string, flags: string[] = []): Promise<Server> {
  const { prometheus } = locateBackends();
  const dir = tempDir('prom');
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, configYaml);
  const port = await freePort();
  const proc = startProc('prometheus', prometheus, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
    ...flags,
  ]);
  return finish('prometheus', proc, port, dir, '/-/ready');
}

const DEBIAN_TEMPLATE_DIR = '/usr/share/prometheus/alertmanager';

/**
 * Debian's alertmanager loads its default notification template from the absolute path
 * /usr/share/prometheus/alertmanager/default.tmpl and refuses to start without it; the unpacked
 * package has it under the cache instead. Rather than writing to /usr/share, use a copy of the
 * binary in which that directory string is replaced by a relative path of the same length
 * (`./././…/`, i.e. the working directory), and run it in a directory holding the package's templates.
 * Binaries without the Debian path (upstream builds embed the template) are used as they are.
 */
function alertmanagerForTests(binary: string): { binary: string; template?: string } {
  const data = readFileSync(binary);
  const needle = Buffer.from(DEBIAN_TEMPLATE_DIR);
  if (data.indexOf(needle) < 0) return { binary };
  const template = [
    join(DEBIAN_TEMPLATE_DIR, 'default.tmpl'),
    join(dirname(binary), '../share/prometheus/alertmanager/default.tmpl'),
  ].find((f) => existsSync(f));
  if (!template) throw new Error(`alertmanager: cannot find default.tmpl for ${binary}`);
  const patchedDir = join(REPO_ROOT, '.cache/backends/patched');
  const patched = join(patchedDir, 'prometheus-alertmanager');
  if (!existsSync(patched) || statSync(patched).mtimeMs < statSync(binary).mtimeMs) {
    const relative = Buffer.from(
      `.${'/.'.repeat((needle.length - 2) / 2)}/`.slice(0, needle.length),
    );
    if (relative.length !== needle.length) throw new Error('alertmanager patch: length mismatch');
    let at = data.indexOf(needle);
    while (at >= 0) {
      relative.copy(data, at);
      at = data.indexOf(needle, at + needle.length);
    }
    mkdirSync(patchedDir, { recursive: true });
    // Write-then-rename: atomic, and safe while another test process runs the old copy.
    const tmp = `${patched}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    chmodSync(tmp, 0o755);
    renameSync(tmp, patched);
  }
  return { binary: patched, template };
}

/** Alertmanager 0.28, clustering off, with `configYaml` written to a temp alertmanager.yml. */
export async function startAlertmanager(configYaml: string): Promise<Server> {
  const located = alertmanagerForTests(locateBackends().alertmanager);
  const alertmanager = located.binary;
  const dir = tempDir('am');
  if (located.template) {
    const from = dirname(located.template);
    for (const f of readdirSync(from).filter((n) => n.endsWith('.tmpl')))
      copyFileSync(join(from, f), join(dir, f));
  }
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(config, configYaml);
  const port = await freePort();
  const proc = startProc(
    'alertmanager',
    alertmanager,
    [
      `--config.file=${config}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { cwd: dir },
  );
  return finish('alertmanager', proc, port, dir, '/-/ready');
}

export interface VmalertOptions {
  /** Rule files (YAML text) keyed by file name. */
  rules: Record<string, string>;
  datasourceUrl: string;
  /** Where recording-rule results (and alert state) are written; usually the same VM. */
  remoteWriteUrl?: string;
  notifierUrl?: string;
  evaluationInterval?: string;
}

/** vmalert evaluating `rules` against `datasourceUrl`, with no evaluation delay. */
export async function startVmalert(options: VmalertOptions): Promise<Server> {
  const { vmalert } = locateBackends();
  const dir = tempDir('vmalert');
  const ruleArgs: string[] = [];
  for (const [name, text] of Object.entries(options.rules)) {
    const file = join(dir, name);
    writeFileSync(file, text);
    ruleArgs.push(`-rule=${file}`);
  }
  const port = await freePort();
  const args = [
    ...ruleArgs,
    `-datasource.url=${options.datasourceUrl}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    `-evaluationInterval=${options.evaluationInterval ?? '2s'}`,
    // Default 30s: rules would look at data from 30 s ago; VM runs with -search.latencyOffset=0s.
    '-rule.evalDelay=0s',
    '-external.url=http://127.0.0.1',
    '-loggerLevel=WARN',
  ];
  if (options.remoteWriteUrl) {
    args.push(`-remoteWrite.url=${options.remoteWriteUrl}`, '-remoteWrite.flushInterval=500ms');
  }
  if (options.notifierUrl) args.push(`-notifier.url=${options.notifierUrl}`);
  const proc = startProc('vmalert', vmalert, args);
  return finish('vmalert', proc, port, dir, '/-/ready');
}
