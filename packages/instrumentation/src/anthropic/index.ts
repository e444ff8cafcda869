export { ATTR_ANTHROPIC_RESPONSE_SERVICE_TIER } from './attributes';
export { AnthropicInstrumentation } from './instrumentation';
export {
  ANTHROPIC_SUPPORTED_VERSIONS,
  type AnthropicBuiltInTracing,
  type AnthropicInstrumentationConfig,
} from './types';
