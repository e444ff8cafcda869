/**
 * examples/stack is validated with the real tools: `promtool check config` on the Prometheus
 * config (with the generated rule files where the compose file mounts them) and
 * `amtool check-config` on the Alertmanager config; every host path the compose file mounts or
 * builds from exists.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { locateBackends, REPO_ROOT } from '../support/backends';
import { RULES_DIR } from '../support/dashboards';

const STACK = join(REPO_ROOT, 'examples/stack');
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function run(binary: string, args: string[]): string {
  try {
    return execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${binary} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`,
    );
  }
}

interface Compose {
  services: Record<string, { volumes?: string[]; build?: { context: string; dockerfile: string } }>;
}

describe('examples/stack configuration', () => {
  const compose = parse(readFileSync(join(STACK, 'docker-compose.yml'), 'utf8')) as Compose;

  it('promtool check config accepts prometheus.yml with the generated rules mounted as in compose', () => {
    const { promtool } = locateBackends();
    const dir = mkdtempSync(join(tmpdir(), 'ai-margin-stack-'));
    dirs.push(dir);
    // The container layout: /etc/prometheus/prometheus.yml and /etc/prometheus/rules/*.yml.
    const mount = compose.services.prometheus?.volumes?.find((v) =>
      v.includes(':/etc/prometheus/rules'),
    );
    expect(mount, 'prometheus mounts the generated rules').toBeDefined();
    expect(resolve(STACK, mount!.split(':')[0]!)).toBe(RULES_DIR);
    cpSync(RULES_DIR, join(dir, 'rules'), { recursive: true });
    const config = readFileSync(join(STACK, 'prometheus/prometheus.yml'), 'utf8').replaceAll(
      '/etc/prometheus/rules/',
      `${dir}/rules/`,
    );
    writeFileSync(join(dir, 'prometheus.yml'), config);
    const out = run(promtool, ['check', 'config', join(dir, 'prometheus.yml')]);
    expect(out).toMatch(/SUCCESS/);
    // Both generated rule files were found and checked.
    expect(out).toMatch(/ai-margin-alerts\.yml/);
    expect(out).toMatch(/ai-margin-recording\.yml/);
  });

  it('amtool check-config accepts alertmanager.yml', () => {
    const { amtool } = locateBackends();
    const out = run(amtool, ['check-config', join(STACK, 'alertmanager/alertmanager.yml')]);
    expect(out).toMatch(/SUCCESS/);
  });

  it('every file the compose stack mounts or builds from exists', () => {
    const missing: string[] = [];
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const v of svc.volumes ?? []) {
        const host = v.split(':')[0]!;
        if (host.startsWith('.') && !existsSync(resolve(STACK, host)))
          missing.push(`${name}: ${host}`);
      }
      if (svc.build) {
        const context = resolve(STACK, svc.build.context);
        if (!existsSync(join(context, svc.build.dockerfile)))
          missing.push(`${name}: ${svc.build.dockerfile}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the Grafana alert rules name the datasource the stack provisions', () => {
    const ds = parse(
      readFileSync(join(STACK, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    ) as {
      datasources: Array<{ uid: string }>;
    };
    const alerting = readFileSync(
      join(REPO_ROOT, 'packages/dashboards/generated/grafana-alerting/ai-margin-alerts.yml'),
      'utf8',
    );
    const uids = new Set([...alerting.matchAll(/datasourceUid: (\S+)/g)].map((m) => m[1]));
    uids.delete('__expr__');
    expect([...uids]).toEqual([ds.datasources[0]!.uid]);
  });
});
