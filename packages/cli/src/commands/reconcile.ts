/**
 * `ai-margin reconcile`: reads provider cost reports and provisional cost, reconciles them per
 * UTC day, provider and model, prints a drift table (or --json), optionally publishes the
 * series, and exits 4 when drift exceeds --max-drift (for cron jobs). Every input is read and
 * validated before anything is written.
 */
import { join } from 'node:path';
import {
  exceedsDrift,
  fetchAnthropicCostPages,
  fetchOpenAICostPages,
  fetchProvisionalCosts,
  formatOpenMetrics,
  formatPrometheusImport,
  loadCostReports,
  type ProvisionalCost,
  pageFiles,
  planPublish,
  postPrometheusImport,
  ReconcileFetchError,
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
} from '@ai-margin/reconcile';
import { UsageError } from '../args';
import type { CommandIO } from '../io';
import { readModelMap } from '../reconcile/model-map';
import { parseReconcileArgs, RECONCILE_HELP, type ReconcileCliOptions } from '../reconcile/options';
import {
  checkWritable,
  type FileToWrite,
  OutputPathError,
  writeFilesAtomically,
} from '../reconcile/staged-files';
import { renderDriftTable } from '../reconcile/table';

/** Exit codes (documented in docs/reconciliation.md); a failure outranks drift. */
export const EXIT = { ok: 0, failed: 1, usage: 2, drift: 4, internal: 70 } as const;

/** Fetches live pages (to be saved with the other files when --save-pages) and reads them like files. */
async function fetchReports(
  opts: ReconcileCliOptions,
  env: NodeJS.ProcessEnv,
  saves: FileToWrite[],
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
    // Saved later, once every input has been validated and every output computed.
    if (opts.savePages) {
      for (const f of pageFiles(join(opts.savePages, l.name), 'costs', pages)) {
        saves.push({ ...f, createDir: true });
      }
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
  const stage = { written: [] as string[] };
  try {
    return await runChecked(opts, io, env, stage);
  } catch (e) {
    // A bug, not bad input: keep the trace, and say exactly what was written.
    io.stderr(
      `ai-margin reconcile: internal error (please report it): ${(e as Error).stack ?? e}\n${writtenNote(stage.written)}\n`,
    );
    return EXIT.internal;
  }
}

function writtenNote(written: readonly string[]): string {
  return written.length === 0 ? 'nothing was written.' : `already written: ${written.join(', ')}.`;
}

/**
 * The command in four steps; a failure in steps 1-3 writes nothing:
 * 1. read and validate every input and reconcile (bad input: exit 2);
 * 2. compute every output: read back what earlier runs published, plan the samples, format
 *    them, check output paths (a read-back failure: exit 1, a bad output path: exit 2);
 * 3. write files (OpenMetrics, saved pages) all-or-nothing (a failure: exit 1, nothing written);
 * 4. publish to VictoriaMetrics in one request (a failure: exit 1, the files stay written).
 */
async function runChecked(
  opts: ReconcileCliOptions,
  io: CommandIO,
  env: NodeJS.ProcessEnv,
  stage: { written: string[] },
): Promise<number> {
  // 1. Read and validate every input; nothing is written before this succeeds.
  let result: ReconcileResult;
  const files: FileToWrite[] = [];
  try {
    const sets: ReportSet<ReportLine>[] = [];
    if (opts.openaiCosts.length) sets.push(await loadCostReports('openai-costs', opts.openaiCosts));
    if (opts.anthropicCosts.length)
      sets.push(await loadCostReports('anthropic-costs', opts.anthropicCosts));
    if (opts.awsCur.length) sets.push(await loadCostReports('aws-cur', opts.awsCur));
    try {
      sets.push(...(await fetchReports(opts, env, files)));
    } catch (e) {
      if (e instanceof UsageError || e instanceof ReconcileInputError) throw e;
      io.stderr(
        `ai-margin reconcile: fetching a cost report failed: ${(e as Error).message}\nnothing was written.\n`,
      );
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
    if (e instanceof ReconcileFetchError) {
      io.stderr(
        `ai-margin reconcile: fetching provisional cost failed: ${e.message}\nnothing was written.\n`,
      );
      return EXIT.failed;
    }
    throw e;
  }

  const exceeded = new Set<number>();
  if (opts.maxDrift !== undefined) {
    result.rows.forEach((row, i) => {
      if (exceedsDrift(row, opts.maxDrift as number)) exceeded.add(i);
    });
  }

  // 2. Compute every output before writing any. Gauges are stamped with each day's start; what
  // earlier runs wrote is read back first, so a re-run writes nothing new and a revised report
  // is written as a revision.
  const notes: string[] = [];
  const allSamples = reconciliationSamples(result);
  let samples = allSamples;
  const readUrl = opts.publishedUrl ?? opts.publishUrl;
  if (readUrl && result.from && result.to && allSamples.length > 0) {
    try {
      const plan = planPublish(
        allSamples,
        await readPublishedSamples({ url: readUrl, from: result.from, to: result.to }),
      );
      samples = plan.samples;
      notes.push(
        `${plan.samples.length} samples to write (${plan.unchanged} unchanged, ${plan.revised} revised)`,
      );
    } catch (e) {
      io.stderr(
        `ai-margin reconcile: reading what earlier runs published failed: ${(e as Error).message}\nnothing was written.\n`,
      );
      return EXIT.failed;
    }
  }
  // Formatting refuses non-finite values, so this also checks every sample before any write.
  const importBody = opts.publishUrl ? formatPrometheusImport(samples) : undefined;
  if (opts.openmetricsOut)
    files.push({ path: opts.openmetricsOut, text: formatOpenMetrics(samples) });
  try {
    for (const f of files) await checkWritable(f.path, f.createDir);
  } catch (e) {
    if (!(e instanceof OutputPathError)) throw e;
    io.stderr(`ai-margin reconcile: cannot write ${e.message}\nnothing was written.\n`);
    return EXIT.usage;
  }

  // 3. Write every file, or none.
  try {
    await writeFilesAtomically(files);
  } catch (e) {
    io.stderr(
      `ai-margin reconcile: writing files failed: ${(e as Error).message}\nnothing was written.\n`,
    );
    return EXIT.failed;
  }
  stage.written.push(...files.map((f) => f.path));
  const published: string[] = opts.openmetricsOut ? [opts.openmetricsOut] : [];

  // 4. Publish last, in one request.
  if (opts.publishUrl && importBody !== undefined) {
    try {
      await postPrometheusImport(importBody, { url: opts.publishUrl });
    } catch (e) {
      io.stderr(
        `ai-margin reconcile: publishing to ${opts.publishUrl} failed: ${(e as Error).message}\n${writtenNote(stage.written)}\n`,
      );
      return EXIT.failed;
    }
    published.unshift(opts.publishUrl);
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
