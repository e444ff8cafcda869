/** Configuration of {@link GoogleGenAIInstrumentation}. */
import type { GenAIInstrumentationConfig } from '../common/config';

/**
 * Options of the `@google/genai` instrumentation. Content capture (`captureMessageContent`) is
 * off by default; see {@link GenAIInstrumentationConfig}.
 */
export interface GoogleGenAIInstrumentationConfig extends GenAIInstrumentationConfig {}

/** Module name patched by {@link GoogleGenAIInstrumentation}. */
export const GOOGLE_GENAI_MODULE = '@google/genai';

/**
 * `@google/genai` versions this instrumentation patches (1.x, 2.x, 3.x). The patched methods
 * (`Models.prototype.generateContentInternal`, `generateContentStreamInternal`,
 * `embedContentInternal`, or `embedContent` in 1.0) are the per-HTTP-request methods behind the
 * public ones (automatic continuation, where the SDK has it, calls them once per hop);
 * when a version lacks one of them, that method is left untraced and a diag warning says so.
 */
export const GOOGLE_GENAI_SUPPORTED_VERSIONS = ['>=1.0.0 <4'];
