/** `ai-margin whatif` from start to finish: source -> history -> replay / suggest -> output. */
import { writeFileSync } from 'node:fs';
import { PriceBook } from '@ai-margin/processor';
import { UsageError } from '../args';
import type { CommandIO } from '../io';
import { parseWhatifArgs, USAGE, type WhatifOptions } from './args';
import { renderWhatifHtml } from './render-html';
import { renderReplay, renderSuggestions } from './render-terminal';
import { type ReplayResult, replay } from './replay';
import { EMPTY_SCENARIO, readScenarioFile, type Scenario, ScenarioError } from './scenario';
import { type SuggestOptions, type SuggestResult, suggest } from './suggest';
import { restrictWindow, type UsageHistory } from './types';

/** What `--json` prints. */
export interface WhatifJson {
  whatif: ReplayResult | null;
  suggest: SuggestResult | null;
}

export interface WhatifOutput {
  result: ReplayResult | null;
  suggestions: SuggestResult | null;
}

/** Replays and/or suggests on a history (shared with `ai-margin demo --whatif`). */
export function analyse(
  history: UsageHistory,
  scenario: Scenario | undefined,
  wantSuggest: boolean,
  book: PriceBook,
  suggestOptions: SuggestOptions = {},
): WhatifOutput {
  return {
    result: scenario ? replay(history, scenario, book) : null,
    suggestions: wantSuggest ? suggest(history, book, suggestOptions) : null,
  };
}

export function renderText(out: WhatifOutput, rows = 15): string {
  const parts: string[] = [];
  if (out.result) parts.push(renderReplay(out.result, { customers: rows }));
  if (out.suggestions) {
    const under = out.result?.underWater.before;
    parts.push(renderSuggestions(out.suggestions, under ?? null));
  }
  return parts.join('\n');
}

async function loadHistory(o: WhatifOptions, book: PriceBook): Promise<UsageHistory> {
  if (o.demo) {
    const { generateScenario } = await import('../demo/scenario');
    const { demoHistory } = await import('./usage-source-demo');
    const h = demoHistory(generateScenario({ seed: o.seed, customers: o.customers }), book);
    return restrictWindow(h, o.from, o.to);
  }
  const { prometheusHistory, defaultWindow } = await import('./usage-source-prometheus');
  const window = defaultWindow(o.from, o.to, Date.now());
  return prometheusHistory(o.url as string, window.from, window.to);
}

export async function runWhatif(argv: string[], io: CommandIO): Promise<number> {
  let o: WhatifOptions;
  try {
    o = parseWhatifArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`ai-margin whatif: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (o.help) {
    io.stdout(USAGE);
    return 0;
  }
  try {
    const scenario = o.scenario
      ? readScenarioFile(o.scenario)
      : o.suggest
        ? undefined
        : EMPTY_SCENARIO;
    const book =
      o.prices.length > 0 ? PriceBook.load({ userFiles: o.prices }) : PriceBook.shipped();
    const history = await loadHistory(o, book);
    const out = analyse(history, scenario, o.suggest, book, { allModels: o.allModels });
    if (o.html) writeFileSync(o.html, renderWhatifHtml(out, history.source));
    if (o.json) {
      const json: WhatifJson = { whatif: out.result, suggest: out.suggestions };
      io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      io.stdout(renderText(out, o.rows));
    }
    return 0;
  } catch (err) {
    const message = err instanceof ScenarioError ? err.message : (err as Error).message;
    io.stderr(`ai-margin whatif: ${message}\n`);
    return err instanceof ScenarioError ? 2 : 1;
  }
}
