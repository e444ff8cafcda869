/** Command-line options of `ai-margin report`. */
import {
  DEFAULT_QUERY_TIMEOUT_MS,
  type Filters,
  type Window,
  windowOf,
} from '@ai-margin/dashboards';
import { httpUrlFlag, instantFlag, intFlag, parseFlags, requiredFlag, UsageError } from '../args';
import { REPORT_SOURCES, type ReportSource } from './source';

export interface ReportOptions {
  url: string;
  window: Window;
  /** Evaluation time in Unix seconds. */
  at: number;
  json: boolean;
  filters: Filters;
  source: ReportSource;
  /** Per query, in milliseconds. */
  timeoutMs: number;
}

export const USAGE = `usage: ai-margin report --url <Prometheus-compatible API> [--window 30d] [--at <time>] [--json]
                        [--source auto|rules|raw] [--timeout-ms 30000]
                        [--customer <regex>] [--feature <regex>] [--model <regex>] [--provider <regex>]
                        [--environment <regex>] [--cluster <regex>] [--job <regex>]

Runs the ai-margin PromQL catalog against a Prometheus-compatible query API (Prometheus,
VictoriaMetrics, Mimir, Thanos) and prints cost to serve and margin per customer, cost per model,
cost per feature, margin by cohort and by customer age month (against the previous window),
the top-20% customers' share of cost and the customers under water.

  --url       server root, e.g. http://localhost:9090 (the report queries <url>/api/v1/query)
  --window    window length: a number and s, m, h, d or w (default 30d)
  --at        end of the window: ISO 8601 time (2026-01-31T12:00:00Z), a UTC day, or Unix
              seconds (default now)
  --json      print JSON instead of tables
  --source    where the figures come from: rules (the recording rules' latest values, what the
              dashboards read; 1h, 1d, 7d or 30d windows, --environment/--cluster filters only),
              raw (the raw counters: any window and filter, but every sample of the window, slow
              at thousands of customers) or auto (default: rules when they cover the window, raw
              otherwise); the report says which it used
  --timeout-ms  per query (default 30000); raise it for --source raw over many customers
  --customer, --feature, --model, --provider   restrict to label values matching a regex
  --environment, --cluster, --job   restrict to series of these environments
              (deployment_environment_name), clusters and services (job); see docs/fleet.md
`;

const FLAGS = {
  url: { type: 'string' },
  window: { type: 'string', default: '30d' },
  at: { type: 'string' },
  json: { type: 'boolean', default: false },
  source: { type: 'string', default: 'auto' },
  'timeout-ms': { type: 'string' },
  customer: { type: 'string' },
  feature: { type: 'string' },
  model: { type: 'string' },
  provider: { type: 'string' },
  environment: { type: 'string' },
  cluster: { type: 'string' },
  job: { type: 'string' },
} as const;

const FILTERS = [
  'customer',
  'feature',
  'model',
  'provider',
  'environment',
  'cluster',
  'job',
] as const;

export function parseReportArgs(argv: string[], now = Date.now() / 1000): ReportOptions {
  const v = parseFlags(argv, FLAGS);
  const url = httpUrlFlag('--url', requiredFlag('--url', v.url)) as string;
  const at =
    v.at === undefined ? Math.floor(now) : instantFlag('--at', requiredFlag('--at', v.at)) / 1000;
  const filters: Record<string, string> = {};
  for (const name of FILTERS) {
    const value = v[name];
    if (value !== undefined) filters[name] = requiredFlag(`--${name}`, value);
  }
  let window: Window;
  try {
    window = windowOf(v.window);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const source = v.source as string;
  if (!(REPORT_SOURCES as readonly string[]).includes(source))
    throw new UsageError(`--source must be one of ${REPORT_SOURCES.join(', ')} (got '${source}')`);
  const timeoutMs = intFlag('--timeout-ms', v['timeout-ms'], DEFAULT_QUERY_TIMEOUT_MS, 1);
  return { url, window, at, json: v.json, filters, source: source as ReportSource, timeoutMs };
}
