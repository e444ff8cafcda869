/**
 * The provider simulator HTTP server: one `node:http` server on 127.0.0.1 that routes each
 * request to the first built-in (or caller-supplied) {@link ProviderHandler} whose `match`
 * accepts it, records every call in `sim.calls`, and asks a {@link ReplyScript} what to answer
 * (default: {@link defaultScript}). Unmatched requests get a 404 JSON body naming the path.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HandlerContext, ProviderHandler, SendSseOptions, SseEvent } from './handler';
import { builtinHandlers } from './handlers';
import { defaultScript } from './script';
import type { ReplyScript, SimCall, SimReply } from './types';

export interface ProviderSimOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Reply script; default {@link defaultScript}. */
  script?: ReplyScript;
  /** Extra handlers, tried before the built-in ones. */
  handlers?: ProviderHandler[];
}

export interface ProviderSim {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  port: number;
  /** Every call received so far, in arrival order. */
  calls: SimCall[];
  setScript(script: ReplyScript): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

export async function startProviderSim(opts: ProviderSimOptions = {}): Promise<ProviderSim> {
  let script: ReplyScript = opts.script ?? defaultScript;
  const handlers = [...(opts.handlers ?? []), ...builtinHandlers];
  const calls: SimCall[] = [];

  const handleRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const path = url.pathname;
    const rawBody = await readBody(req);
    const handler = handlers.find((h) => h.match(method, path));
    if (!handler) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { message: `provider-sim: no handler for ${method} ${path}` } }),
      );
      return;
    }
    let current: SimReply | undefined;
    const ctx: HandlerContext = {
      method,
      path,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      body: parseJson(rawBody),
      res,
      reply(call) {
        const full: SimCall = {
          ...call,
          provider: handler.provider,
          method,
          path,
          headers: req.headers,
        };
        calls.push(full);
        current = script(full);
        return current;
      },
      async sendJson(status, obj, headers = {}) {
        if (current?.delayMs) await sleep(current.delayMs);
        const body = JSON.stringify(obj);
        res.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        });
        res.end(body);
      },
      async sendSse(events: SseEvent[], sseOpts: SendSseOptions = {}) {
        if (current?.delayMs) await sleep(current.delayMs);
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        const failAfter = sseOpts.failAfterChunks ?? current?.failAfterChunks;
        for (let i = 0; i < events.length; i++) {
          if (failAfter !== undefined && i >= failAfter) {
            // Let the already written events reach the client, then drop the connection.
            await sleep(10);
            res.socket?.destroy();
            return;
          }
          const e = events[i] as SseEvent;
          res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${e.data}\n\n`);
          if (sseOpts.intervalMs) await sleep(sseOpts.intervalMs);
        }
        if (failAfter !== undefined) {
          await sleep(10);
          res.socket?.destroy();
          return;
        }
        res.end();
      },
    };
    await handler.handle(ctx);
  };

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `provider-sim: ${String(err)}` } }));
      } else {
        res.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';

  return {
    url: `http://${host}:${port}`,
    port,
    calls,
    setScript(s) {
      script = s;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
