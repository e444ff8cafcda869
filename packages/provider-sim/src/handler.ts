/**
 * The contract every provider module of the simulator implements. A handler claims requests by
 * method and path, reads the parsed request from a {@link HandlerContext}, asks the reply script
 * what to answer through `ctx.reply(...)` (which also records the call), and renders that reply
 * in its provider's wire format with `sendJson` / `sendSse` (or raw `res` writes, e.g. AWS
 * event-stream framing for Bedrock).
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { SimCall, SimProvider, SimReply } from './types';

/** One server-sent event; `event` is omitted for providers that send bare `data:` lines (OpenAI chat). */
export interface SseEvent {
  event?: string;
  data: string;
}

export interface SendSseOptions {
  /**
   * Send this many events, then destroy the socket without finishing the response: the client
   * sees a connection dropped mid-stream. Defaults to the current reply's `failAfterChunks`;
   * undefined sends all events and ends normally.
   */
  failAfterChunks?: number;
  /** Delay between events in ms (default 0). */
  intervalMs?: number;
}

export interface HandlerContext {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw request body. */
  rawBody: Buffer;
  /** The request body parsed as JSON, or undefined when empty / not JSON. */
  body: unknown;
  res: ServerResponse;
  /**
   * Records the call in `sim.calls` and returns the script's reply for it. Call it once per
   * request. A reply's `delayMs` is applied by `sendJson` / `sendSse` before the first byte.
   */
  reply(call: Omit<SimCall, 'provider' | 'method' | 'path' | 'headers'>): SimReply;
  /** Writes a JSON response (after the reply's `delayMs`, if any). */
  sendJson(status: number, obj: unknown, headers?: Record<string, string>): Promise<void>;
  /** Writes an SSE response; see {@link SendSseOptions.failAfterChunks} for mid-stream failures. */
  sendSse(events: SseEvent[], opts?: SendSseOptions): Promise<void>;
}

export interface ProviderHandler {
  provider: SimProvider;
  /** True when this handler answers `method path` (path without the query string). */
  match(method: string, path: string): boolean;
  handle(ctx: HandlerContext): Promise<void>;
}
