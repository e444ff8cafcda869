/** Command-line options of `ai-margin whatif`. */
export interface WhatifOptions {
  scenario?: string;
  url?: string;
  demo: boolean;
  seed: number;
  customers: number;
  /** First and last UTC day (inclusive), `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  prices: string[];
  json: boolean;
  suggest: boolean;
  /** `--suggest` routes to every priced model of the book, not only those in use. */
  allModels: boolean;
  html?: string;
  rows: number;
  help: boolean;
}

export class UsageError extends Error {}

export const USAGE = `usage: ai-margin whatif [--scenario FILE] (--url URL | --demo) [options]

Replays the observed usage of a window (per customer, feature, provider, model, token bucket and
day) under a scenario and prints revenue, cost and margin per customer and in total, before and
after, the customers whose margin changes sign, and the change per feature and model.

source (one of):
  --url URL          a Prometheus-compatible API holding ai-margin's metrics
  --demo             the demo's simulated six months (no services; --seed, --customers as in demo)

options:
  --scenario FILE    scenario YAML/JSON (levers: route, plan_price, usage_price, cap, cache,
                     discount, tier; see docs/whatif.md); without it, the observed history
  --from YYYY-MM-DD  first day of the window (default: 30 days before --to; --demo: its start)
  --to YYYY-MM-DD    last day of the window, inclusive (default: yesterday, UTC; --demo: its end)
  --prices FILE      user price file merged over the shipped book (repeatable)
  --suggest          rank the levers the data supports by margin gained
  --all-models       with --suggest: route to every priced model of the book (default: the
                     models the product already runs)
  --json             print the result as JSON
  --html FILE        also write an HTML report
  --rows N           customers listed in the terminal table (default 15)
  -h, --help         show this help
`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(flag: string, v: string | undefined): string {
  if (!v || !DAY.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
    throw new UsageError(`${flag} needs a day YYYY-MM-DD (got ${v ?? 'nothing'})`);
  return v;
}

function int(flag: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(
      `${flag} needs an integer between ${min} and ${max} (got ${v ?? 'nothing'})`,
    );
  return n;
}

export function parseWhatifArgs(argv: readonly string[]): WhatifOptions {
  const o: WhatifOptions = {
    demo: false,
    seed: 42,
    customers: 300,
    prices: [],
    json: false,
    suggest: false,
    allModels: false,
    rows: 15,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--scenario': {
        const v = value();
        if (!v) throw new UsageError('--scenario needs a file');
        o.scenario = v;
        break;
      }
      case '--url': {
        const v = value();
        if (!v || !/^https?:\/\//.test(v))
          throw new UsageError(`--url needs an http(s) URL (got ${v ?? 'nothing'})`);
        o.url = v;
        break;
      }
      case '--demo':
        o.demo = true;
        break;
      case '--seed':
        o.seed = int('--seed', value(), 0, 2 ** 31);
        break;
      case '--customers':
        o.customers = int('--customers', value(), 1, 100_000);
        break;
      case '--from':
        o.from = day('--from', value());
        break;
      case '--to':
        o.to = day('--to', value());
        break;
      case '--prices': {
        const v = value();
        if (!v) throw new UsageError('--prices needs a file');
        o.prices.push(v);
        break;
      }
      case '--suggest':
        o.suggest = true;
        break;
      case '--all-models':
        o.allModels = true;
        break;
      case '--json':
        o.json = true;
        break;
      case '--html': {
        const v = value();
        if (!v) throw new UsageError('--html needs a file name');
        o.html = v;
        break;
      }
      case '--rows':
        o.rows = int('--rows', value(), 1, 100_000);
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        throw new UsageError(`unknown option '${arg}'`);
    }
  }
  if (o.help) return o;
  if (o.demo === (o.url !== undefined))
    throw new UsageError('needs exactly one source: --url URL or --demo');
  if (o.from && o.to && o.from > o.to)
    throw new UsageError(`--from ${o.from} is after --to ${o.to}`);
  if (!o.scenario && !o.suggest) throw new UsageError('needs --scenario FILE, --suggest, or both');
  return o;
}
