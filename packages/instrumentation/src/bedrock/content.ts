/**
 * Opt-in content capture for Bedrock: request and response messages rendered in the semconv
 * message shape (`[{ role, parts: [{ type: 'text', content }] }]`). Only text parts carry
 * content; other blocks (images, tool use, documents) are recorded by type only.
 */
import { isRecord } from '../common/module';

export interface MessagePart {
  type: string;
  content?: string;
}

export interface ChatMessage {
  role: string;
  parts: MessagePart[];
  finish_reason?: string;
}

function partsOf(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.map((block): MessagePart => {
    if (!isRecord(block)) return { type: 'unknown' };
    if (typeof block.text === 'string') return { type: 'text', content: block.text };
    if (typeof block.type === 'string') return { type: block.type };
    return { type: Object.keys(block)[0] ?? 'unknown' };
  });
}

/** Converse / Anthropic / Nova `messages` as semconv input messages. */
export function messagesOf(messages: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  return messages.filter(isRecord).map((m) => ({
    role: typeof m.role === 'string' ? m.role : 'user',
    parts: partsOf(m.content),
  }));
}

/** Converse `system` blocks / Anthropic `system` string or blocks as system-instruction parts. */
export function systemOf(system: unknown): MessagePart[] | undefined {
  const parts = partsOf(system);
  return parts.length > 0 ? parts : undefined;
}

/** Input messages of an InvokeModel body (messages, or a Llama-style `prompt`). */
export function invokeInputOf(
  body: Record<string, unknown> | undefined,
): ChatMessage[] | undefined {
  if (!body) return undefined;
  if (typeof body.prompt === 'string') {
    return [{ role: 'user', parts: [{ type: 'text', content: body.prompt }] }];
  }
  if (typeof body.inputText === 'string') {
    return [{ role: 'user', parts: [{ type: 'text', content: body.inputText }] }];
  }
  return messagesOf(body.messages);
}

/** The assistant message of a complete InvokeModel response body, if it has text. */
export function invokeOutputOf(body: Record<string, unknown>): ChatMessage | undefined {
  if (typeof body.generation === 'string') {
    return { role: 'assistant', parts: [{ type: 'text', content: body.generation }] };
  }
  if (Array.isArray(body.content)) return { role: 'assistant', parts: partsOf(body.content) };
  const output = isRecord(body.output) ? body.output : undefined;
  if (output && isRecord(output.message)) {
    return { role: 'assistant', parts: partsOf(output.message.content) };
  }
  return undefined;
}

/** One assistant text message, for text accumulated from a stream. */
export function assistantText(text: string, finishReason?: string): ChatMessage {
  const message: ChatMessage = { role: 'assistant', parts: [{ type: 'text', content: text }] };
  if (finishReason) message.finish_reason = finishReason;
  return message;
}
