export { OpenAIInstrumentation } from './instrumentation';
export { OPENAI_SUPPORTED_VERSIONS, type OpenAIInstrumentationConfig } from './types';
