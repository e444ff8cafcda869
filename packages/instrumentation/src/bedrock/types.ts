/** Configuration of {@link BedrockRuntimeInstrumentation}. */
import type { GenAIInstrumentationConfig } from '../common/config';

/**
 * Options of the Bedrock runtime instrumentation. Content capture (`captureMessageContent`) is
 * off by default; see {@link GenAIInstrumentationConfig}.
 */
export interface BedrockInstrumentationConfig extends GenAIInstrumentationConfig {}

/** Module name patched by {@link BedrockRuntimeInstrumentation}. */
export const BEDROCK_MODULE = '@aws-sdk/client-bedrock-runtime';

/**
 * `@aws-sdk/client-bedrock-runtime` versions this instrumentation patches: every 3.x release
 * (the package first shipped as 3.422.0; Converse arrived after 3.583.0 — older clients simply
 * have no Converse commands to trace). The suite has been run against 3.600.0 and 3.1164.0.
 */
export const BEDROCK_SUPPORTED_VERSIONS = ['>=3.422.0 <4'];
