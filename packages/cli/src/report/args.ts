/** Command-line options of `ai-margin report`. */
import { type Filters, type Window, windowOf } from '@ai-margin/dashboards';

export interface ReportOptions {
  url: string;
  window: Window;
  /** Evaluation time in Unix seconds. */
  at: number;
  json: boolean;
  filters: Filters;
}

export const USAGE = `usage: ai-margin report --url <Prometheus-compatible API> [--window 30d] [--at <time>] [--json]
                        [--customer <regex>] [--feature <regex>] [--model <regex>] [--provider <regex>]
                        [--environment <regex>] [--cluster <regex>] [--job <regex>]

Runs the ai-margin PromQL catalog against a Prometheus-compatible query API (Prometheus,
VictoriaMetrics, Mimir, Thanos) and prints cost to serve and margin per customer, cost per model,
cost per feature, margin by cohort and by customer age month (against the previous window),
the top-20% customers' share of cost and the customers under water.

  --url       server root, e.g. http://localhost:9090 (the report queries <url>/api/v1/query)
  --window    window length: a number and s, m, h, d or w (default 30d)
  --at        end of the window: RFC 3339 time or Unix seconds (default now)
  --json      print JSON instead of tables
  --customer, --feature, --model, --provider   restrict to label values matching a regex
  --environment, --cluster, --job   restrict to series of these environments
              (deployment_environment_name), clusters and services (job); see docs/fleet.md
`;

export class UsageError extends Error {}

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
  let url: string | undefined;
  let window = '30d';
  let at: number = Math.floor(now);
  let json = false;
  const filters: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--url':
        url = value();
        break;
      case '--window':
        window = value();
        break;
      case '--at':
        at = parseTime(value());
        break;
      case '--json':
        json = true;
        break;
      default: {
        const name = flag.replace(/^--/, '');
        if ((FILTERS as readonly string[]).includes(name)) {
          filters[name] = value();
          break;
        }
        throw new UsageError(`unknown option '${raw}'`);
      }
    }
  }
  if (!url) throw new UsageError('--url is required');
  if (!/^https?:\/\//.test(url))
    throw new UsageError(`--url must start with http:// or https:// (got '${url}')`);
  let w: Window;
  try {
    w = windowOf(window);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return { url, window: w, at, json, filters };
}

function parseTime(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new UsageError(
      `invalid --at '${value}': use RFC 3339 (2026-01-31T00:00:00Z) or Unix seconds`,
    );
  return ms / 1000;
}
