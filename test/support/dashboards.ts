/**
 * Reads the generated dashboards (packages/dashboards/generated/dashboards/*.json) and turns each
 * panel target into a query a TSDB can run: template variables become match-all regexes and the
 * Grafana interval variables become concrete durations.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './backends';

export const DASHBOARDS_DIR = join(REPO_ROOT, 'packages/dashboards/generated/dashboards');
export const RULES_DIR = join(REPO_ROOT, 'packages/dashboards/generated/rules');

export interface PanelQuery {
  /** `<dashboard uid>/<panel title>/<refId>` */
  key: string;
  dashboard: string;
  title: string;
  refId: string;
  expr: string;
  /** Grafana runs it as an instant query (else a range query). */
  instant: boolean;
}

interface Target {
  expr?: string;
  refId?: string;
  instant?: boolean;
  range?: boolean;
}
interface Panel {
  type?: string;
  title?: string;
  panels?: Panel[];
  targets?: Target[];
}

export function panelQueries(): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const file of readdirSync(DASHBOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const d = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as {
      uid: string;
      panels?: Panel[];
    };
    const walk = (panels: Panel[]) => {
      for (const p of panels) {
        if (p.panels) walk(p.panels);
        for (const t of p.targets ?? []) {
          if (!t.expr) continue;
          out.push({
            key: `${d.uid}/${p.title}/${t.refId}`,
            dashboard: d.uid,
            title: p.title ?? '',
            refId: t.refId ?? 'A',
            expr: t.expr,
            instant: t.instant === true && t.range !== true,
          });
        }
      }
    };
    walk(d.panels ?? []);
  }
  return out;
}

export interface Substitution {
  /** Value of every `$var` / `${var}` template variable (default `.*`). */
  vars?: Record<string, string>;
  /** `$__range` as a PromQL duration, e.g. `1h`. */
  range: string;
  rangeSeconds: number;
  /** `$__rate_interval` / `$__interval`, e.g. `1m`. */
  rateInterval: string;
}

/** Replaces Grafana variables with concrete values. Throws if a `$` is left over. */
export function substitute(expr: string, s: Substitution): string {
  let out = expr
    .replaceAll('$__range_s', String(s.rangeSeconds))
    .replaceAll('$__range_ms', String(s.rangeSeconds * 1000))
    .replaceAll('$__range', s.range)
    .replaceAll('$__rate_interval', s.rateInterval)
    .replaceAll('$__interval', s.rateInterval);
  out = out.replace(
    /\$\{(\w+)(?::\w+)?\}|\$(\w+)/g,
    (_m, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      return s.vars?.[name] ?? '.*';
    },
  );
  if (out.includes('$')) throw new Error(`unsubstituted variable left in: ${out}`);
  return out;
}

/** The generated rule files, with group intervals and `for:` durations shortened for a test. */
export function rulesForTest(interval = '2s'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.yml'))
    .sort()) {
    out[file] = readFileSync(join(RULES_DIR, file), 'utf8')
      .replace(/^(\s+)interval: \S+$/gm, `$1interval: ${interval}`)
      .replace(/^(\s+)for: \S+$/gm, '$1for: 0s');
  }
  return out;
}
