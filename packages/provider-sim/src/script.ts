/**
 * The default reply script and small text helpers shared by the provider modules.
 *
 * Default script (deterministic, so tests can compute expectations by hand):
 * - prompt = the first present of `body.messages`, `body.input`, `body.contents`, `body.prompt`
 *   (else the whole body); `input` tokens = `ceil(JSON.stringify(prompt).length / 4)`, at least 1;
 * - `output` tokens = 20, or 0 for embedding operations (operation name contains `embed`);
 * - no cache or reasoning tokens; text = {@link DEFAULT_TEXT}; response model = request model.
 */
import type { ReplyScript, SimCall, SimReply } from './types';

export const DEFAULT_TEXT = 'Hello from the ai-margin provider simulator.';
export const DEFAULT_OUTPUT_TOKENS = 20;

/** The part of a request body the default script counts as the prompt. */
export function promptOf(body: unknown): unknown {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    for (const key of ['messages', 'input', 'contents', 'prompt']) {
      if (b[key] !== undefined) return b[key];
    }
  }
  return body ?? '';
}

/** `ceil(JSON.stringify(promptOf(body)).length / 4)`, at least 1. */
export function estimateInputTokens(body: unknown): number {
  const json = JSON.stringify(promptOf(body)) ?? '';
  return Math.max(1, Math.ceil(json.length / 4));
}

export const defaultScript: ReplyScript = (call: SimCall): SimReply => ({
  text: DEFAULT_TEXT,
  usage: {
    input: estimateInputTokens(call.body),
    output: call.operation.toLowerCase().includes('embed') ? 0 : DEFAULT_OUTPUT_TOKENS,
  },
});

/** Splits text into word chunks that keep their leading space: `'a b'` -> `['a', ' b']`. */
export function splitText(text: string): string[] {
  const parts = text.match(/\s*\S+/g);
  return parts && parts.length > 0 ? parts : [text];
}

/** A deterministic embedding vector of `dimensions` floats for `seed`. */
export function fakeEmbedding(seed: number, dimensions: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < dimensions; i++) out.push(Math.round(Math.sin(seed * 31 + i) * 1e4) / 1e4);
  return out;
}

/** The model named in a request body (`body.model`), or `unknown`. */
export function modelOf(body: unknown): string {
  const m = body && typeof body === 'object' ? (body as Record<string, unknown>).model : undefined;
  return typeof m === 'string' ? m : 'unknown';
}
