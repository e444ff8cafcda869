/** Command-line options of `ai-margin whatif`. */
import { dayFlag, dayRange, httpUrlFlag, intFlag, parseFlags, UsageError } from '../args';

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

const FLAGS = {
  scenario: { type: 'string' },
  url: { type: 'string' },
  demo: { type: 'boolean', default: false },
  seed: { type: 'string' },
  customers: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  prices: { type: 'string', multiple: true },
  suggest: { type: 'boolean', default: false },
  'all-models': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  html: { type: 'string' },
  rows: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export function parseWhatifArgs(argv: readonly string[]): WhatifOptions {
  const v = parseFlags(argv, FLAGS);
  const o: WhatifOptions = {
    scenario: v.scenario,
    url: httpUrlFlag('--url', v.url),
    demo: v.demo,
    seed: intFlag('--seed', v.seed, 42, 0, 2 ** 31),
    customers: intFlag('--customers', v.customers, 300, 1, 100_000),
    from: dayFlag('--from', v.from),
    to: dayFlag('--to', v.to),
    prices: v.prices ?? [],
    json: v.json,
    suggest: v.suggest,
    allModels: v['all-models'],
    html: v.html,
    rows: intFlag('--rows', v.rows, 15, 1, 100_000),
    help: v.help,
  };
  if (o.help) return o;
  if (o.demo === (o.url !== undefined))
    throw new UsageError('needs exactly one source: --url URL or --demo');
  dayRange(o.from, o.to);
  if (!o.scenario && !o.suggest) throw new UsageError('needs --scenario FILE, --suggest, or both');
  return o;
}
