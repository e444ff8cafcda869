export { allocateProRata } from './allocate';
export { CsvParser, type CsvRecord, CsvSyntaxError, parseCsv } from './csv';
export { ReconcileFetchError, ReconcileInputError, type SourceRef } from './errors';
export {
  type FetchCostsOptions,
  fetchAnthropicCostPages,
  fetchOpenAICostPages,
  pageFiles,
  savePages,
} from './fetchers';
export {
  type DuplicateKey,
  type JsonDocuments,
  type ParseJsonOptions,
  parseJsonDocuments,
} from './json-text';
export {
  type CostReportKind,
  expandReportPath,
  loadCostReports,
  loadUsageReports,
  MAX_JSON_BYTES,
  type UsageReportKind,
} from './load';
export {
  centsToNanos,
  dollarsToNanos,
  formatNanos,
  nanosToUsd,
} from './money';
export {
  type FetchProvisionalOptions,
  fetchProvisionalCosts,
  formatProvisionalCosts,
  PROVISIONAL_DAILY_QUERY,
  type ProvisionalCost,
  parseProvisionalCosts,
  readProvisionalFile,
} from './provisional';
export {
  formatOpenMetrics,
  formatPrometheusImport,
  MAX_REVISIONS_PER_DAY,
  type PublishedSamples,
  type PublishPlan,
  planPublish,
  postPrometheusImport,
  publishToVictoriaMetrics,
  type ReadPublishedOptions,
  readPublishedSamples,
  reconciliationSamples,
  type Sample,
  type VictoriaMetricsImportOptions,
  writeOpenMetricsFile,
} from './publish';
export { anthropicTokenType, readAnthropicCosts, readAnthropicUsage } from './readers/anthropic';
export {
  AwsCurReader,
  type BedrockUsageType,
  normaliseCurColumn,
  parseBedrockUsageType,
  readAwsCur,
} from './readers/aws-cur';
export type { ReaderOutput } from './readers/common';
export {
  type OpenAILineItem,
  parseOpenAILineItem,
  readOpenAICosts,
  readOpenAIUsage,
} from './readers/openai';
export {
  type CustomerCorrection,
  exceedsDrift,
  type ModelDayReconciliation,
  type ModelMap,
  type ReconcileOptions,
  type ReconcileResult,
  type ReconcileStatus,
  reconcile,
  type TokenTypeComparison,
  type UnallocatedCorrection,
} from './reconciler';
export {
  OTHER_MODEL,
  RECONCILE_PROVIDER,
  type ReportLine,
  type ReportSet,
  type UsageLine,
} from './types';
