export { BedrockRuntimeInstrumentation } from './instrumentation';
export {
  BEDROCK_MODULE,
  BEDROCK_SUPPORTED_VERSIONS,
  type BedrockInstrumentationConfig,
} from './types';
