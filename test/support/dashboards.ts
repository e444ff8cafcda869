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

/** The recorded windows the `$window` variable offers. */
const RECORDED_WINDOWS = ['1h', '1d', '7d', '30d'];

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
      // `$window` (part of a recording-rule name) follows the range when it is a recorded window.
      if (name === 'window' && s.vars?.window === undefined) {
        if (!RECORDED_WINDOWS.includes(s.range))
          throw new Error(`range ${s.range} is not a recorded window: pass vars.window`);
        return s.range;
      }
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

interface RuleFile {
  groups: {
    name: string;
    rules: { record?: string; alert?: string; expr: string; labels?: Record<string, string> }[];
  }[];
}

/**
 * One evaluation of every generated recording rule at `t` (unix seconds), the way a rule
 * evaluator does it: group by group, rule by rule in file order (later rules read earlier
 * outputs), each expression as an instant query at `t` whose result is written back under the
 * rule's name with timestamp `t`. Panels that read recording rules then see the rules' values at
 * `t`, exactly. (The live e2e test runs the real vmalert instead; this makes history and fixture
 * checks at arbitrary past instants deterministic.) Start VictoriaMetrics with
 * `-disablePerDayIndex` (RULE_EVAL_VM_FLAGS): VictoriaMetrics 1.112 does not find series first
 * written with a past timestamp through its per-day index at once, so a rule reading an earlier
 * rule's output (written at a past `t`) would see nothing.
 */
export const RULE_EVAL_VM_FLAGS = ['-disablePerDayIndex'];
export async function evaluateRecordingRulesAt(url: string, t: number): Promise<number> {
  const rules = await recordingRules();
  let written = await writeTilesBefore(url, t, rules);
  for (const r of rules) {
    const res = await fetch(`${url}/api/v1/query`, {
      method: 'POST',
      // nocache: VictoriaMetrics caches instant results of long windows on the assumption
      // that samples older than 5 minutes do not change, and these tests write the past.
      body: new URLSearchParams({ query: r.expr, time: String(t), nocache: '1' }),
    });
    const j = (await res.json()) as {
      status: string;
      error?: string;
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (j.status !== 'success') throw new Error(`rule ${r.record}: ${j.error}`);
    const n = await importRuleOutput(
      url,
      r.record,
      j.data.result.map((x) => ({
        metric: { ...x.metric, ...r.labels },
        values: [[t, x.value[1]]],
      })),
    );
    if (n > 0) await fetch(`${url}/internal/force_flush`);
    written += n;
  }
  return written;
}

interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** The generated recording rules, in rule-file order (later rules read earlier outputs). */
async function recordingRules(): Promise<RecordingRule[]> {
  const { parse } = await import('yaml');
  return readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .flatMap((file) =>
      (parse(readFileSync(join(RULES_DIR, file), 'utf8')) as RuleFile).groups.flatMap((g) =>
        g.rules.flatMap((r) =>
          r.record ? [{ record: r.record, expr: r.expr, labels: r.labels }] : [],
        ),
      ),
    );
}

/** Writes query results back under a rule's name, at their timestamps (unix seconds); returns the count. */
async function importRuleOutput(
  url: string,
  record: string,
  series: { metric: Record<string, string>; values: [number, string][] }[],
): Promise<number> {
  const lines = series.flatMap((s) => {
    const labels = Object.entries(s.metric)
      .filter(([k]) => k !== '__name__')
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',');
    return s.values.map(([ts, v]) => `${record}{${labels}} ${v} ${Math.round(ts * 1000)}`);
  });
  if (lines.length === 0) return 0;
  const imp = await fetch(`${url}/api/v1/import/prometheus`, {
    method: 'POST',
    body: `${lines.join('\n')}\n`,
  });
  if (!imp.ok) throw new Error(`import of ${record}: ${imp.status} ${await imp.text()}`);
  return lines.length;
}

/**
 * Waits until a rule evaluator (vmalert or Prometheus, `/api/v1/rules`) has evaluated every rule
 * after `afterMs`, then `settleMs` more for its remote write to land.
 */
export async function waitForRuleEvaluation(
  rulesUrl: string,
  afterMs: number,
  timeoutMs = 60_000,
  settleMs = 1500,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await fetch(`${rulesUrl}/api/v1/rules`).catch(() => undefined);
    if (r?.ok) {
      const j = (await r.json()) as {
        data: { groups: { rules: { lastEvaluation?: string }[] }[] };
      };
      const rules = j.data.groups.flatMap((g) => g.rules);
      if (rules.length > 0 && rules.every((x) => Date.parse(x.lastEvaluation ?? '') > afterMs)) {
        await new Promise((res) => setTimeout(res, settleMs));
        return;
      }
    }
    if (Date.now() > deadline) throw new Error(`rules at ${rulesUrl} not evaluated in time`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

const HOUR_S = 3600;
/** Tiles a window reads: the 30-day rules read 30 days of them. */
const TILE_SPAN_S = 30 * 86_400;
/** Per VictoriaMetrics URL, the whole hours whose tiles are written already. */
const tilesWritten = new Map<string, Set<number>>();

/**
 * The 1h rules that the 1d/7d/30d rules add up at whole hours (`sum_over_time(last_over_time(
 * <1h rule>[…])[…:1h] …)`): a rule evaluator records them every minute, so before the longer
 * windows can be evaluated at a past `t`, the 1h rules need their values at every whole hour of
 * the 30 days before. One range query per rule (step 1h, VictoriaMetrics aligns it to whole
 * hours), written back at those hours; hours written by an earlier call are skipped.
 */
async function writeTilesBefore(
  url: string,
  t: number,
  rules: readonly RecordingRule[],
): Promise<number> {
  const tiled = new Set<string>();
  for (const r of rules)
    for (const m of r.expr.matchAll(/sum_over_time\(last_over_time\(([\w:]+)\[/g)) tiled.add(m[1]!);
  const done = tilesWritten.get(url) ?? new Set<number>();
  tilesWritten.set(url, done);
  const last = Math.floor(t / HOUR_S) * HOUR_S;
  const hours: number[] = [];
  for (let h = last - TILE_SPAN_S; h <= last; h += HOUR_S) if (!done.has(h)) hours.push(h);
  if (hours.length === 0) return 0;
  let written = 0;
  // Rule-file order: a tile rule that reads another (none today) would see it written.
  for (const r of rules) {
    if (!tiled.has(r.record)) continue;
    const res = await fetch(`${url}/api/v1/query_range`, {
      method: 'POST',
      body: new URLSearchParams({
        query: r.expr,
        start: String(hours[0]),
        end: String(hours[hours.length - 1]),
        step: `${HOUR_S}s`,
        nocache: '1',
      }),
    });
    const j = (await res.json()) as {
      status: string;
      error?: string;
      data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
    };
    if (j.status !== 'success') throw new Error(`tiles of ${r.record}: ${j.error}`);
    written += await importRuleOutput(
      url,
      r.record,
      j.data.result.map((x) => ({ ...x, values: x.values.filter(([ts]) => !done.has(ts)) })),
    );
  }
  await fetch(`${url}/internal/force_flush`);
  for (const h of hours) done.add(h);
  return written;
}
