export * from './anthropic/index';
export * from './attribution/index';
export * from './bedrock/index';
export type { GenAIInstrumentationConfig } from './common/config';
export {
  type SdkCoverageEntry,
  type SdkCoverageStatus,
  sdkCoverage,
} from './common/coverage';
export type { GenAIUsage } from './common/usage';
export * from './google-genai/index';
export * from './openai/index';
export * from './register';
