/** Command-line options of `ai-margin demo`. */
import { httpUrlFlag, intFlag, parseFlags } from '../args';

export interface DemoOptions {
  seed: number;
  customers: number;
  concurrency: number;
  /** Write the HTML report here. */
  html?: string;
  /** Print the report as JSON on stdout instead of the text report. */
  json: boolean;
  /** Keep running and serve `/metrics` on this port (0 = any free port). */
  serve?: number;
  /** Export OTLP/protobuf metrics to this URL (e.g. http://127.0.0.1:4318/v1/metrics). */
  otlp?: string;
  /** Replay the run's usage under this scenario file (`ai-margin whatif`). */
  whatif?: string;
  /** Also rank the levers the data supports (`ai-margin whatif --suggest`). */
  suggest: boolean;
  help: boolean;
}

export const DEFAULT_SERVE_PORT = 9464;

export const USAGE = `usage: ai-margin demo [options]

Simulates an AI SaaS (customers on four plans, six months of usage, five features on nine models
from four providers) through the real SDK clients, our instrumentations and the
MarginSpanProcessor, against a local provider simulator (no network, no API key), then prints a
margin report built from the processor's metrics.

options:
  --seed N           scenario seed (default 42); the same seed gives the same report
  --customers N      number of customers (default 300)
  --concurrency N    calls in flight (default 16)
  --html FILE        also write a self-contained HTML report with charts
  --json             print the report as JSON instead of text
  --serve [PORT]     keep running and serve Prometheus /metrics on 127.0.0.1:PORT (default ${DEFAULT_SERVE_PORT})
  --otlp URL         export the metrics as OTLP/protobuf to URL (e.g. http://127.0.0.1:4318/v1/metrics)
  --whatif FILE      also replay the simulated usage under a scenario (see docs/whatif.md)
  --suggest          also rank the moves (routing, plan prices, caps) by margin gained
  -h, --help         show this help
`;

const FLAGS = {
  seed: { type: 'string' },
  customers: { type: 'string' },
  concurrency: { type: 'string' },
  html: { type: 'string' },
  json: { type: 'boolean', default: false },
  serve: { type: 'string' },
  otlp: { type: 'string' },
  whatif: { type: 'string' },
  suggest: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** `--serve` takes an optional port: a bare `--serve` (not followed by digits) means the default. */
function withServePort(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--serve' && !/^\d+$/.test(argv[i + 1] ?? ''))
      out.push(`--serve=${DEFAULT_SERVE_PORT}`);
    else out.push(arg);
  }
  return out;
}

/** Parses argv; throws a UsageError naming the bad flag. */
export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  const v = parseFlags(withServePort(argv), FLAGS);
  return {
    seed: intFlag('--seed', v.seed, 42, 0),
    customers: intFlag('--customers', v.customers, 300, 1),
    concurrency: intFlag('--concurrency', v.concurrency, 16, 1),
    html: v.html,
    json: v.json,
    serve:
      v.serve === undefined
        ? undefined
        : intFlag('--serve', v.serve, DEFAULT_SERVE_PORT, 0, 65_535),
    otlp: httpUrlFlag('--otlp', v.otlp),
    whatif: v.whatif,
    suggest: v.suggest,
    help: v.help,
  };
}
