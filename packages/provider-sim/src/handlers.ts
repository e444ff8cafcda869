/**
 * The built-in provider handlers, tried in this order after any caller-supplied ones.
 * Each provider module lives in `./handlers/<provider>.ts` and exports one or more
 * {@link ProviderHandler}s.
 */
import { bedrockHandler } from './bedrock';
import { geminiHandler } from './gemini';
import type { ProviderHandler } from './handler';
import { anthropicHandlers } from './handlers/anthropic';
import { openaiHandlers } from './handlers/openai';

// ---- Bedrock / Gemini: owned by the Bedrock/GenAI engineer. Add your imports above and your
// ---- handlers to this list (e.g. `...bedrockHandlers, ...geminiHandlers`).
export const builtinHandlers: ProviderHandler[] = [
  ...openaiHandlers,
  ...anthropicHandlers,
  bedrockHandler,
  geminiHandler,
];
