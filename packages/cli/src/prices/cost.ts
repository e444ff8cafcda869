import { normalizeUsage, priceCall, type ServiceTier, TOKEN_BUCKETS } from '@ai-margin/processor';
import { requiredFlag, UsageError } from '../args';
import type { CommandIO } from '../io';
import {
  EXIT,
  guarded,
  loadBook,
  notPriced,
  parseAt,
  parseBookFlags,
  parseCount,
  printJson,
  table,
  usd,
} from './shared';

export const COST_HELP = `usage: ai-margin prices cost --provider <gen_ai.provider.name> --model <id> --at <instant>
         --input <n> [--cache-read <n>] [--cache-write <n>] [--cache-write-1h <n>]
         [--cache-write-30m <n>] [--cache-write-12h <n>] --output <n> [--reasoning <n>]
         [--web-searches <n>] [--code-executions <n>]
         [--audio-input <n>] [--audio-output <n>] [--region global|us|eu|...]
         [--service-tier batch|flex|priority|fast] [--prices FILE]... --json

Prices one call at the price in force at --at (ISO 8601 instant, UTC day, or Unix seconds). Token counts follow the OTel semconv convention:
  --input           total input tokens, INCLUDING cache reads and cache writes
  --cache-read      cache-read tokens (part of --input)
  --cache-write     5-minute cache-write tokens (part of --input)
  --cache-write-1h  1-hour cache-write tokens (part of --input)
  --cache-write-30m OpenAI cache writes kept 30 minutes (part of --input)
  --cache-write-12h OpenAI cache writes kept 12 hours (part of --input)
  --web-searches    server-side web searches (billed per call)
  --code-executions server-side code executions (billed per call)
  --output          output tokens, INCLUDING --reasoning
  --reasoning       reasoning tokens (part of --output)
  --audio-input     audio input tokens (part of --input; uncached first), priced at audio prices
  --audio-output    audio output tokens (part of --output), priced at audio prices
  --region          where the call was processed (OpenAI data residency, Anthropic inference_geo):
                    a region other than global pays the period's regionalProcessingUplift
With --json prints one JSON object: { costUsd, period, breakdown, ... }.
Exit 0 priced; 3 not priced ({"costUsd": null, "reason", "detail"}); 2 bad input.
`;

const SERVICE_TIERS = ['standard', 'batch', 'flex', 'priority', 'fast'] as const;

export async function cost(argv: string[], io: CommandIO): Promise<number> {
  return guarded(io, 'cost', () => {
    const values = parseBookFlags(argv, io, COST_HELP, {
      provider: { type: 'string' },
      model: { type: 'string' },
      at: { type: 'string' },
      input: { type: 'string' },
      'cache-read': { type: 'string' },
      'cache-write': { type: 'string' },
      'cache-write-1h': { type: 'string' },
      'cache-write-30m': { type: 'string' },
      'cache-write-12h': { type: 'string' },
      'web-searches': { type: 'string' },
      'code-executions': { type: 'string' },
      output: { type: 'string' },
      reasoning: { type: 'string' },
      'service-tier': { type: 'string' },
      'audio-input': { type: 'string' },
      'audio-output': { type: 'string' },
      region: { type: 'string' },
    });
    if (!values) return EXIT.ok;
    const provider = requiredFlag('--provider', values.provider);
    const model = requiredFlag('--model', values.model);
    const atMs = parseAt(requiredFlag('--at', values.at));
    const input = parseCount(requiredFlag('--input', values.input), 'input')!;
    const output = parseCount(requiredFlag('--output', values.output), 'output')!;
    const cacheRead = parseCount(values['cache-read'], 'cache-read') ?? 0;
    const cacheWrite5m = parseCount(values['cache-write'], 'cache-write') ?? 0;
    const cacheWrite1h = parseCount(values['cache-write-1h'], 'cache-write-1h') ?? 0;
    const cacheWrite30m = parseCount(values['cache-write-30m'], 'cache-write-30m') ?? 0;
    const cacheWrite12h = parseCount(values['cache-write-12h'], 'cache-write-12h') ?? 0;
    const webSearches = parseCount(values['web-searches'], 'web-searches');
    const codeExecutions = parseCount(values['code-executions'], 'code-executions');
    const reasoning = parseCount(values.reasoning, 'reasoning') ?? 0;
    const audioInput = parseCount(values['audio-input'], 'audio-input');
    const audioOutput = parseCount(values['audio-output'], 'audio-output');
    const region = values.region;
    const tier = values['service-tier'] ?? 'standard';
    if (!(SERVICE_TIERS as readonly string[]).includes(tier)) {
      throw new UsageError(`--service-tier: "${tier}" is not one of batch, flex, priority, fast`);
    }
    const cached = cacheRead + cacheWrite5m + cacheWrite1h + cacheWrite30m + cacheWrite12h;
    if (cached > input) {
      throw new UsageError(
        `--cache-read + --cache-write + --cache-write-1h/-30m/-12h (${cached}) exceed --input (${input}), which includes them`,
      );
    }
    if (reasoning > output) {
      throw new UsageError(
        `--reasoning (${reasoning}) exceeds --output (${output}), which includes it`,
      );
    }
    const normalized = normalizeUsage(
      {
        inputTokens: input,
        outputTokens: output,
        cacheReadTokens: cacheRead,
        cacheWrite5mTokens: cacheWrite5m,
        cacheWrite1hTokens: cacheWrite1h,
        cacheWrite30mTokens: cacheWrite30m,
        cacheWrite12hTokens: cacheWrite12h,
        reasoningTokens: reasoning,
      },
      'semconv',
    );
    if (!normalized.ok) throw new UsageError(normalized.detail);
    const book = loadBook(values.prices);
    const result = priceCall(book, {
      provider,
      model,
      at: atMs,
      usage: normalized.usage,
      serviceTier: tier as ServiceTier,
      ...(webSearches !== undefined || codeExecutions !== undefined
        ? { toolCalls: { webSearch: webSearches ?? 0, codeExecution: codeExecutions ?? 0 } }
        : {}),
      ...(audioInput !== undefined || audioOutput !== undefined
        ? { audio: { inputTokens: audioInput ?? 0, outputTokens: audioOutput ?? 0 } }
        : {}),
      ...(region !== undefined ? { region } : {}),
    });
    if (!result.priced) {
      return notPriced(io, values.json, {
        costUsd: null,
        reason: result.reason,
        detail: result.detail,
        provider,
        model,
        at: new Date(atMs).toISOString(),
      });
    }
    const out: Record<string, unknown> = {
      costUsd: result.costUsd,
      currency: 'USD',
      period: result.period,
      breakdown: result.breakdown,
      usage: normalized.usage,
      provider,
      model,
      resolvedModel: result.resolvedModel,
      at: new Date(atMs).toISOString(),
      serviceTier: result.serviceTier,
    };
    if (result.tierAboveInputTokens !== undefined)
      out.tierAboveInputTokens = result.tierAboveInputTokens;
    if (result.geo !== undefined) out.geo = result.geo;
    if (result.regionalUplift !== undefined) out.regionalUplift = result.regionalUplift;
    if (result.region !== undefined) out.region = result.region;
    if (result.regionalProcessingUplift !== undefined)
      out.regionalProcessingUplift = result.regionalProcessingUplift;
    if (result.audioUsd !== undefined) out.audioUsd = result.audioUsd;
    if (result.discountPercent !== undefined) out.discountPercent = result.discountPercent;
    if (result.toolFeesUsd !== undefined) out.toolFeesUsd = result.toolFeesUsd;
    if (values.json) {
      printJson(io, out);
      return EXIT.ok;
    }
    const rows = [['  bucket', 'tokens', 'USD']];
    for (const b of TOKEN_BUCKETS)
      rows.push([`  ${b}`, String(normalized.usage[b]), usd(result.breakdown[b])]);
    const extras = [
      result.tierAboveInputTokens !== undefined
        ? `long-context tier (input > ${result.tierAboveInputTokens})`
        : '',
      result.serviceTier !== 'standard' ? `service tier ${result.serviceTier}` : '',
      result.regionalUplift !== undefined ? `regional uplift x${result.regionalUplift}` : '',
      result.regionalProcessingUplift !== undefined
        ? `regional processing (${result.region}) x${result.regionalProcessingUplift}`
        : '',
      result.audioUsd !== undefined ? `audio ${usd(result.audioUsd)} (in the buckets)` : '',
      result.discountPercent !== undefined ? `discount ${result.discountPercent}%` : '',
      result.toolFeesUsd !== undefined ? `server-tool fees ${usd(result.toolFeesUsd)}` : '',
    ].filter(Boolean);
    io.stdout(
      `${usd(result.costUsd)}  ${provider} ${model} at ${out.at}\n` +
        `  priced by ${result.period.id} (${result.period.source})\n` +
        (extras.length ? `  ${extras.join(', ')}\n` : '') +
        `\n${table(rows)}\n`,
    );
    return EXIT.ok;
  });
}
