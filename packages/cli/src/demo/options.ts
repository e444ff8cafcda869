/** Command-line options of `ai-margin demo`. */
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

function positiveInt(flag: string, raw: string | undefined, min: number): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < min) {
    throw new Error(`${flag} needs an integer >= ${min} (got ${raw ?? 'nothing'})`);
  }
  return n;
}

/** Parses argv; throws an Error naming the bad flag. */
export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  const o: DemoOptions = {
    seed: 42,
    customers: 300,
    concurrency: 16,
    json: false,
    suggest: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--seed':
        o.seed = positiveInt('--seed', value(), 0);
        break;
      case '--customers':
        o.customers = positiveInt('--customers', value(), 1);
        break;
      case '--concurrency':
        o.concurrency = positiveInt('--concurrency', value(), 1);
        break;
      case '--html': {
        const v = value();
        if (!v) throw new Error('--html needs a file name');
        o.html = v;
        break;
      }
      case '--json':
        o.json = true;
        break;
      case '--serve': {
        const next = inline ?? argv[i + 1];
        if (next !== undefined && /^\d+$/.test(next)) {
          o.serve = positiveInt('--serve', next, 0);
          if (inline === undefined) i++;
        } else o.serve = DEFAULT_SERVE_PORT;
        break;
      }
      case '--otlp': {
        const v = value();
        if (!v || !/^https?:\/\//.test(v))
          throw new Error(`--otlp needs an http(s) URL (got ${v ?? 'nothing'})`);
        o.otlp = v;
        break;
      }
      case '--whatif': {
        const v = value();
        if (!v) throw new Error('--whatif needs a scenario file');
        o.whatif = v;
        break;
      }
      case '--suggest':
        o.suggest = true;
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        throw new Error(`unknown option '${arg}'`);
    }
  }
  return o;
}
