/**
 * Opt-in content capture for `@google/genai`: `contents` and candidates rendered in the semconv
 * message shape (`[{ role, parts: [{ type: 'text', content }] }]`). Gemini's `model` role is
 * written as `assistant`. Only text parts carry content; other parts are recorded by kind.
 */
import { isRecord } from '../common/module';

interface MessagePart {
  type: string;
  content?: string;
}

interface ChatMessage {
  role: string;
  parts: MessagePart[];
  finish_reason?: string;
}

function partOf(part: unknown): MessagePart {
  if (typeof part === 'string') return { type: 'text', content: part };
  if (!isRecord(part)) return { type: 'unknown' };
  if (typeof part.text === 'string') {
    return part.thought === true
      ? { type: 'reasoning', content: part.text }
      : { type: 'text', content: part.text };
  }
  const kind = Object.keys(part).find((k) => part[k] !== undefined);
  return { type: kind ?? 'unknown' };
}

function roleOf(role: unknown): string {
  return role === 'model' ? 'assistant' : typeof role === 'string' ? role : 'user';
}

function isContent(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && Array.isArray(v.parts);
}

/** `contents` in any form the SDK accepts: string, Part, Content, or arrays of them. */
export function inputMessagesOf(contents: unknown): ChatMessage[] | undefined {
  if (contents === undefined || contents === null) return undefined;
  const list = Array.isArray(contents) ? contents : [contents];
  if (list.every(isContent)) {
    return list.map((c) => ({ role: roleOf(c.role), parts: (c.parts as unknown[]).map(partOf) }));
  }
  // Bare strings / parts make one user message, as the SDK does.
  return [{ role: 'user', parts: list.map(partOf) }];
}

/** `config.systemInstruction` (string, Part, Content, or Part[]) as system-instruction parts. */
export function systemInstructionOf(params: unknown): MessagePart[] | undefined {
  const config = isRecord(params) && isRecord(params.config) ? params.config : undefined;
  const si = config?.systemInstruction;
  if (si === undefined || si === null) return undefined;
  if (isContent(si)) return (si.parts as unknown[]).map(partOf);
  return (Array.isArray(si) ? si : [si]).map(partOf);
}

/** Assistant messages of the response candidates (or of text accumulated from a stream). */
export function outputMessagesOf(response: unknown): ChatMessage[] | undefined {
  if (!isRecord(response) || !Array.isArray(response.candidates)) return undefined;
  const out: ChatMessage[] = [];
  for (const c of response.candidates) {
    if (!isRecord(c)) continue;
    const content = isRecord(c.content) ? c.content : undefined;
    const parts = Array.isArray(content?.parts) ? (content.parts as unknown[]).map(partOf) : [];
    const m: ChatMessage = { role: 'assistant', parts };
    if (typeof c.finishReason === 'string') m.finish_reason = c.finishReason;
    out.push(m);
  }
  return out.length > 0 ? out : undefined;
}

export function assistantText(text: string, finishReason?: string): ChatMessage[] {
  const m: ChatMessage = { role: 'assistant', parts: [{ type: 'text', content: text }] };
  if (finishReason) m.finish_reason = finishReason;
  return [m];
}
