export type {
  HandlerContext,
  ProviderHandler,
  SendSseOptions,
  SseEvent,
} from './handler';
export { builtinHandlers } from './handlers';
export { anthropicHandlers } from './handlers/anthropic';
export { errorTypeFor, isRecord, nextId } from './handlers/common';
export { openaiHandlers } from './handlers/openai';
export {
  type CostReportData,
  type CostReportHandlerOptions,
  costReportHandlers,
} from './reports';
export {
  DEFAULT_OUTPUT_TOKENS,
  DEFAULT_TEXT,
  defaultScript,
  estimateInputTokens,
  fakeEmbedding,
  modelOf,
  promptOf,
  splitText,
} from './script';
export { type ProviderSim, type ProviderSimOptions, startProviderSim } from './server';
export type { ReplyScript, SimCall, SimProvider, SimReply, SimUsage } from './types';
