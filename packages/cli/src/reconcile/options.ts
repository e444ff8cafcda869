/** Command-line options of `ai-margin reconcile` (node:util parseArgs), validated. */
import { dayFlag, dayRange, httpUrlFlag, parseFlags, UsageError } from '../args';

export const RECONCILE_HELP = `usage: ai-margin reconcile [report inputs] [provisional input] [options]

Compares provisional (live-priced) cost with provider cost reports per UTC day, provider and
model; spreads each difference over customers pro rata to their provisional cost.

report inputs (each a file or a directory of pages/files; repeatable):
  --openai-costs PATH        OpenAI /v1/organization/costs pages (JSON/NDJSON)
  --anthropic-costs PATH     Anthropic /v1/organizations/cost_report pages (JSON/NDJSON)
  --aws-cur PATH             AWS CUR 2.0 CSV (.csv or .csv.gz) with Amazon Bedrock lines
  --fetch-openai             fetch OpenAI costs for --from..--to (admin key in $OPENAI_ADMIN_KEY)
  --fetch-anthropic          fetch Anthropic costs (admin key in $ANTHROPIC_ADMIN_KEY)
  --openai-base-url URL      API origin for --fetch-openai (default https://api.openai.com)
  --anthropic-base-url URL   API origin for --fetch-anthropic (default https://api.anthropic.com)
  --save-pages DIR           also save fetched pages to DIR (reusable as --openai-costs DIR/openai …)

provisional input (exactly one):
  --provisional-url URL      Prometheus-compatible API (VictoriaMetrics, Prometheus, Mimir)
  --provisional-file PATH    JSON/NDJSON rows {day, provider, model, customer_id, usd}

options:
  --from YYYY-MM-DD          first UTC day (default: first day of the reports)
  --to YYYY-MM-DD            last UTC day, included (default: last day of the reports)
  --model-map FILE           JSON {"<provider>": {"<name>": "<canonical model>"}} applied to both sides
  --max-drift PERCENT        exit 4 when |drift| exceeds PERCENT for any provider/model/day
  --publish-url URL          write the series to VictoriaMetrics (/api/v1/import/prometheus)
  --openmetrics-out FILE     write the series as OpenMetrics for promtool tsdb create-blocks-from openmetrics
  --published-url URL        query API holding what earlier runs published (default: --publish-url);
                             unchanged samples are skipped and changed ones written as revisions
  --json                     print the result as JSON
  -h, --help

exit codes: 0 ok, 1 fetch/write/publish failed, 2 bad input or usage (nothing written),
            4 drift above --max-drift, 70 internal error
Files are written (all or none) only after every input is valid; publishing comes last.
`;

export interface ReconcileCliOptions {
  openaiCosts: string[];
  anthropicCosts: string[];
  awsCur: string[];
  fetchOpenai: boolean;
  fetchAnthropic: boolean;
  openaiBaseUrl?: string;
  anthropicBaseUrl?: string;
  savePages?: string;
  provisionalUrl?: string;
  provisionalFile?: string;
  from?: string;
  to?: string;
  modelMap?: string;
  maxDrift?: number;
  publishUrl?: string;
  publishedUrl?: string;
  openmetricsOut?: string;
  json: boolean;
  help: boolean;
}

const FLAGS = {
  'openai-costs': { type: 'string', multiple: true },
  'anthropic-costs': { type: 'string', multiple: true },
  'aws-cur': { type: 'string', multiple: true },
  'fetch-openai': { type: 'boolean' },
  'fetch-anthropic': { type: 'boolean' },
  'openai-base-url': { type: 'string' },
  'anthropic-base-url': { type: 'string' },
  'save-pages': { type: 'string' },
  'provisional-url': { type: 'string' },
  'provisional-file': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'model-map': { type: 'string' },
  'max-drift': { type: 'string' },
  'publish-url': { type: 'string' },
  'published-url': { type: 'string' },
  'openmetrics-out': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseReconcileArgs(argv: string[]): ReconcileCliOptions {
  const values = parseFlags(argv, FLAGS);
  const opts: ReconcileCliOptions = {
    openaiCosts: values['openai-costs'] ?? [],
    anthropicCosts: values['anthropic-costs'] ?? [],
    awsCur: values['aws-cur'] ?? [],
    fetchOpenai: values['fetch-openai'] ?? false,
    fetchAnthropic: values['fetch-anthropic'] ?? false,
    openaiBaseUrl: values['openai-base-url'],
    anthropicBaseUrl: values['anthropic-base-url'],
    savePages: values['save-pages'],
    provisionalUrl: values['provisional-url'],
    provisionalFile: values['provisional-file'],
    from: values.from,
    to: values.to,
    modelMap: values['model-map'],
    publishUrl: values['publish-url'],
    publishedUrl: values['published-url'],
    openmetricsOut: values['openmetrics-out'],
    json: values.json ?? false,
    help: values.help ?? false,
  };
  if (opts.help) return opts;
  const maxDrift = values['max-drift'];
  if (maxDrift !== undefined) {
    const n = Number(maxDrift.replace(/%$/, ''));
    if (maxDrift.trim() === '' || !Number.isFinite(n) || n < 0) {
      throw new UsageError(`--max-drift: expected a non-negative percentage, got '${maxDrift}'`);
    }
    opts.maxDrift = n;
  }
  dayFlag('--from', opts.from);
  dayFlag('--to', opts.to);
  dayRange(opts.from, opts.to);
  const reports =
    opts.openaiCosts.length +
    opts.anthropicCosts.length +
    opts.awsCur.length +
    Number(opts.fetchOpenai) +
    Number(opts.fetchAnthropic);
  if (reports === 0) {
    throw new UsageError(
      'no report input: give --openai-costs, --anthropic-costs, --aws-cur, --fetch-openai or --fetch-anthropic',
    );
  }
  if ((opts.fetchOpenai || opts.fetchAnthropic) && (!opts.from || !opts.to)) {
    throw new UsageError('--fetch-openai/--fetch-anthropic need --from and --to');
  }
  if (Boolean(opts.provisionalUrl) === Boolean(opts.provisionalFile)) {
    throw new UsageError('give exactly one of --provisional-url and --provisional-file');
  }
  for (const [flag, v] of [
    ['--provisional-url', opts.provisionalUrl],
    ['--publish-url', opts.publishUrl],
    ['--published-url', opts.publishedUrl],
    ['--openai-base-url', opts.openaiBaseUrl],
    ['--anthropic-base-url', opts.anthropicBaseUrl],
  ] as const) {
    httpUrlFlag(flag, v);
  }
  return opts;
}
