export { GoogleGenAIInstrumentation } from './instrumentation';
export {
  GOOGLE_GENAI_MODULE,
  GOOGLE_GENAI_SUPPORTED_VERSIONS,
  type GoogleGenAIInstrumentationConfig,
} from './types';
