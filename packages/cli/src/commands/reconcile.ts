/**
 * `ai-margin reconcile`: reads provider cost reports and provisional cost, reconciles them per
 * UTC day, provider and model, prints a drift table (or --json), optionally publishes the
 * series, and exits 4 when drift exceeds --max-drift (for cron jobs). Every input is read and
 * validated before anything is written.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  exceedsDrift,
  fetchAnthropicCostPages,
  fetchOpenAICostPages,
  fetchProvisionalCosts,
  loadCostReports,
  type ProvisionalCost,
  planPublish,
  publishToVictoriaMetrics,
  ReconcileInputError,
  type ReconcileResult,
  type ReportLine,
  type ReportSet,
  readAnthropicCosts,
  readOpenAICosts,
  readProvisionalFile,
  readPublishedSamples,
  reconcile,
  reconciliationSamples,
  savePages,
  writeOpenMetricsFile,
} from '@ai-margin/processor/reconcile';
import type { CommandIO } from '../io';
import {
  parseReconcileArgs,
  RECONCILE_HELP,
  type ReconcileCliOptions,
  UsageError,
} from '../reconcile/options';
import { renderDriftTable } from '../reconcile/table';

export const EXIT = { ok: 0, failed: 1, usage: 2, drift: 4 } as const;

async function readModelMap(file: string): Promise<Record<string, Record<string, string>>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ReconcileInputError(file, undefined, undefined, 'cannot read file');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ReconcileInputError(
      file,
      undefined,
      undefined,
      `invalid JSON: ${(e as Error).message}`,
    );
  }
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(parsed))
    throw new ReconcileInputError(
      file,
      1,
      undefined,
      'expected {"<provider>": {"<name>": "<model>"}}',
    );
  const out: Record<string, Record<string, string>> = {};
  for (const [provider, names] of Object.entries(parsed)) {
    if (!isObj(names))
      throw new ReconcileInputError(
        file,
        undefined,
        provider,
        'expected an object of name -> model',
      );
    out[provider] = {};
    for (const [name, model] of Object.entries(names)) {
      if (typeof model !== 'string' || model === '') {
        throw new ReconcileInputError(
          file,
          undefined,
          `${provider}.${name}`,
          'expected a model name string',
        );
      }
      out[provider][name] = model;
    }
  }
  return out;
}

/** Fetches live pages (optionally saving them) and reads them like files. */
async function fetchReports(
  opts: ReconcileCliOptions,
  env: NodeJS.ProcessEnv,
  saves: (() => Promise<void>)[],
): Promise<ReportSet<ReportLine>[]> {
  const sets: ReportSet<ReportLine>[] = [];
  const live = [
    {
      on: opts.fetchOpenai,
      name: 'openai',
      keyEnv: 'OPENAI_ADMIN_KEY',
      fetchPages: fetchOpenAICostPages,
      baseUrl: opts.openaiBaseUrl,
      read: readOpenAICosts,
    },
    {
      on: opts.fetchAnthropic,
      name: 'anthropic',
      keyEnv: 'ANTHROPIC_ADMIN_KEY',
      fetchPages: fetchAnthropicCostPages,
      baseUrl: opts.anthropicBaseUrl,
      read: readAnthropicCosts,
    },
  ];
  for (const l of live) {
    if (!l.on) continue;
    const apiKey = env[l.keyEnv];
    if (!apiKey) throw new UsageError(`--fetch-${l.name}: set ${l.keyEnv} to an admin API key`);
    const pages = await l.fetchPages({
      apiKey,
      from: opts.from as string,
      to: opts.to as string,
      ...(l.baseUrl ? { baseUrl: l.baseUrl } : {}),
    });
    const label = `${l.name} API`;
    const out = l.read(pages.map((p) => JSON.stringify(p)).join('\n'), label);
    // Saved later, once every input has been validated.
    if (opts.savePages) {
      const dir = join(opts.savePages, l.name);
      saves.push(() => savePages(dir, 'costs', pages).then(() => undefined));
    }
    sets.push({
      provider: l.name,
      lines: out.lines,
      coveredDays: new Set(out.coveredDays),
      files: [label],
      duplicates: 0,
      warnings: out.warnings,
    });
  }
  return sets;
}

function mergeSets(sets: ReportSet<ReportLine>[]): ReportSet<ReportLine>[] {
  const byProvider = new Map<string, ReportSet<ReportLine>>();
  for (const s of sets) {
    const prev = byProvider.get(s.provider);
    if (!prev) {
      byProvider.set(s.provider, s);
      continue;
    }
    // A provider given twice (files and a live fetch): keep one line per key, the later wins.
    const lines = new Map(prev.lines.map((l) => [l.key, l]));
    for (const l of s.lines) lines.set(l.key, l);
    byProvider.set(s.provider, {
      provider: s.provider,
      lines: [...lines.values()],
      coveredDays: new Set([...prev.coveredDays, ...s.coveredDays]),
      files: [...prev.files, ...s.files],
      duplicates: prev.duplicates + s.duplicates,
      warnings: [...prev.warnings, ...s.warnings],
    });
  }
  return [...byProvider.values()];
}

function reportSpan(sets: ReportSet<ReportLine>[]): { from?: string; to?: string } {
  const days = sets.flatMap((s) => [...s.coveredDays]).sort();
  return { from: days[0], to: days[days.length - 1] };
}

/** JSON view of a result: bigint fields dropped (exact values are the usd numbers' decimals). */
function toJson(
  result: ReconcileResult,
  exceeded: Set<number>,
  maxDrift: number | undefined,
  published: string[],
) {
  return {
    from: result.from,
    to: result.to,
    providers: result.providers,
    maxDriftPercent: maxDrift ?? null,
    driftExceeded: exceeded.size > 0,
    rows: result.rows.map(({ provisionalNanos: _p, reportedNanos: _r, ...row }, i) => ({
      ...row,
      exceedsMaxDrift: exceeded.has(i),
    })),
    corrections: result.corrections.map(({ nanos: _n, ...c }) => c),
    unallocated: result.unallocated.map(({ nanos: _n, ...u }) => u),
    warnings: result.warnings,
    published,
  };
}

export async function run(
  argv: string[],
  io: CommandIO,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let opts: ReconcileCliOptions;
  try {
    opts = parseReconcileArgs(argv);
  } catch (e) {
    io.stderr(
      `ai-margin reconcile: ${(e as Error).message}\n\nRun 'ai-margin reconcile --help' for usage.\n`,
    );
    return EXIT.usage;
  }
  if (opts.help) {
    io.stdout(RECONCILE_HELP);
    return EXIT.ok;
  }

  // 1. Read and validate every input; nothing is written before this succeeds.
  let result: ReconcileResult;
  const saves: (() => Promise<void>)[] = [];
  try {
    const sets: ReportSet<ReportLine>[] = [];
    if (opts.openaiCosts.length) sets.push(await loadCostReports('openai-costs', opts.openaiCosts));
    if (opts.anthropicCosts.length)
      sets.push(await loadCostReports('anthropic-costs', opts.anthropicCosts));
    if (opts.awsCur.length) sets.push(await loadCostReports('aws-cur', opts.awsCur));
    try {
      sets.push(...(await fetchReports(opts, env, saves)));
    } catch (e) {
      if (e instanceof UsageError || e instanceof ReconcileInputError) throw e;
      io.stderr(`ai-margin reconcile: fetching a cost report failed: ${(e as Error).message}\n`);
      return EXIT.failed;
    }
    const reports = mergeSets(sets);
    const span = reportSpan(reports);
    const from = opts.from ?? span.from;
    const to = opts.to ?? span.to;
    const modelMap = opts.modelMap ? await readModelMap(opts.modelMap) : undefined;
    let provisional: ProvisionalCost[];
    if (opts.provisionalFile) {
      provisional = await readProvisionalFile(opts.provisionalFile);
    } else {
      if (!from || !to) throw new UsageError('the reports cover no day: give --from and --to');
      provisional = await fetchProvisionalCosts({ url: opts.provisionalUrl as string, from, to });
    }
    result = reconcile({
      reports,
      provisional,
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(modelMap ? { modelMap } : {}),
    });
  } catch (e) {
    if (e instanceof ReconcileInputError || e instanceof UsageError) {
      io.stderr(`ai-margin reconcile: ${e.message}\nnothing was written.\n`);
      return EXIT.usage;
    }
    throw e;
  }

  const exceeded = new Set<number>();
  if (opts.maxDrift !== undefined) {
    result.rows.forEach((row, i) => {
      if (exceedsDrift(row, opts.maxDrift as number)) exceeded.add(i);
    });
  }

  // 2. Publish gauges stamped with each day's start. What earlier runs wrote is read back first,
  // so a re-run writes nothing new and a revised report is written as a revision.
  const published: string[] = [];
  const notes: string[] = [];
  const allSamples = reconciliationSamples(result);
  try {
    for (const save of saves) await save();
    const readUrl = opts.publishedUrl ?? opts.publishUrl;
    let samples = allSamples;
    if (readUrl && result.from && result.to && allSamples.length > 0) {
      const plan = planPublish(
        allSamples,
        await readPublishedSamples({ url: readUrl, from: result.from, to: result.to }),
      );
      samples = plan.samples;
      notes.push(
        `${plan.samples.length} samples to write (${plan.unchanged} unchanged, ${plan.revised} revised)`,
      );
    }
    if (opts.publishUrl) {
      await publishToVictoriaMetrics(samples, { url: opts.publishUrl });
      published.push(opts.publishUrl);
    }
    if (opts.openmetricsOut) {
      await writeOpenMetricsFile(opts.openmetricsOut, samples);
      published.push(opts.openmetricsOut);
    }
  } catch (e) {
    io.stderr(`ai-margin reconcile: publishing failed: ${(e as Error).message}\n`);
    return EXIT.failed;
  }

  if (opts.json) {
    io.stdout(`${JSON.stringify(toJson(result, exceeded, opts.maxDrift, published), null, 2)}\n`);
  } else {
    io.stdout(renderDriftTable(result, exceeded, opts.maxDrift));
    for (const n of notes) io.stdout(`${n}\n`);
    for (const p of published) io.stdout(`published to ${p}\n`);
  }
  return exceeded.size > 0 ? EXIT.drift : EXIT.ok;
}
