/**
 * The two GenAI client metrics of the semantic conventions (v1.41): `gen_ai.client.token.usage`
 * (histogram, `{token}`, one record per token type `input` / `output`) and
 * `gen_ai.client.operation.duration` (histogram, seconds). Each instrumentation creates them in
 * `_updateMetricInstruments()` from its own meter.
 */

import {
  ATTR_GEN_AI_TOKEN_TYPE,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from '@ai-margin/conventions';
import type { Attributes, Histogram, Meter } from '@opentelemetry/api';

export interface GenAIMetrics {
  tokenUsage: Histogram;
  operationDuration: Histogram;
}

export function createGenAIMetrics(meter: Meter): GenAIMetrics {
  return {
    tokenUsage: meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Measures number of input and output tokens used',
      unit: '{token}',
      advice: {
        explicitBucketBoundaries: [
          1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
        ],
      },
    }),
    operationDuration: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      description: 'GenAI operation duration',
      unit: 's',
      advice: {
        explicitBucketBoundaries: [
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
        ],
      },
    }),
  };
}

/** Records one operation: its duration and, when known, its input and output token counts. */
export function recordGenAIMetrics(
  metrics: GenAIMetrics,
  attributes: Attributes,
  durationSeconds: number,
  inputTokens: number | undefined,
  outputTokens: number | undefined,
): void {
  metrics.operationDuration.record(durationSeconds, attributes);
  if (inputTokens !== undefined) {
    metrics.tokenUsage.record(inputTokens, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: 'input' });
  }
  if (outputTokens !== undefined) {
    metrics.tokenUsage.record(outputTokens, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: 'output' });
  }
}
