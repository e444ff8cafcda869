// A small HTTP service that calls OpenAI and Anthropic on behalf of customer accounts.
// Start it with the telemetry loaded first:
//
//   node --import ./telemetry.mjs server.mjs
//
// Routes (the account comes from `?account=` or the `x-account-id` header):
//   GET|POST /chat?account=acme[&model=gpt-4o-mini][&prompt=...]        OpenAI chat  (feature "chat")
//   GET|POST /summarise?account=acme[&model=claude-haiku-4-5][&prompt=]  Anthropic    (feature "summarise")
//   GET|POST /search?account=acme[&model=gpt-4o-mini][&prompt=...]       OpenAI chat  (feature "search")
//   GET  /metrics          Prometheus exposition (ai-margin metrics + process metrics)
//   POST /alert-webhook    Alertmanager webhook receiver: logs the alerts it gets
//   GET  /healthz
// POST bodies may be JSON `{ "prompt": "...", "model": "..." }`.
//
// Providers: with OPENAI_API_KEY / ANTHROPIC_API_KEY set, calls go to the real APIs (or to
// OPENAI_BASE_URL / ANTHROPIC_BASE_URL). Without a key, the service starts the local provider
// simulator in-process and points the SDK clients at it: no network, no cost.
import { createServer } from 'node:http';
import { attributionHandler } from '@ai-margin/instrumentation/attribution';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { registry } from './telemetry.mjs';

const env = process.env;
const host = env.HOST ?? '127.0.0.1';
const port = Number(env.PORT ?? 8080);

/** Base URLs: explicit env, else the real API with a key, else the in-process simulator. */
async function providerEndpoints() {
  let simUrl;
  const needSim =
    (!env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) ||
    (!env.ANTHROPIC_API_KEY && !env.ANTHROPIC_BASE_URL);
  if (needSim) {
    const { startProviderSim } = await import('@ai-margin/provider-sim');
    const sim = await startProviderSim();
    simUrl = sim.url;
    console.log(
      `provider simulator on ${simUrl} (set OPENAI_API_KEY / ANTHROPIC_API_KEY to call the real APIs)`,
    );
  }
  return {
    openai: env.OPENAI_BASE_URL || (env.OPENAI_API_KEY ? undefined : `${simUrl}/v1`),
    anthropic: env.ANTHROPIC_BASE_URL || (env.ANTHROPIC_API_KEY ? undefined : simUrl),
  };
}

const endpoints = await providerEndpoints();
const openai = new OpenAI({
  apiKey: env.OPENAI_API_KEY || 'sim-key',
  baseURL: endpoints.openai,
  maxRetries: 0,
});
const anthropic = new Anthropic({
  apiKey: env.ANTHROPIC_API_KEY || 'sim-key',
  baseURL: endpoints.anthropic,
  maxRetries: 0,
});

const DEFAULT_MODELS = {
  chat: env.CHAT_MODEL ?? 'gpt-4o-mini',
  summarise: env.SUMMARISE_MODEL ?? 'claude-haiku-4-5',
  search: env.SEARCH_MODEL ?? 'gpt-4o-mini',
};

/** The product feature each route belongs to: the `feature` label of every cost it causes. */
const FEATURE_BY_PATH = { '/chat': 'chat', '/summarise': 'summarise', '/search': 'search' };

const routes = {
  async chat({ prompt, model }) {
    const r = await openai.chat.completions.create({
      model,
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: prompt },
      ],
    });
    return { text: r.choices[0]?.message?.content ?? '', model: r.model, usage: r.usage };
  },
  async summarise({ prompt, model }) {
    const r = await anthropic.messages.create({
      model,
      max_tokens: 512,
      messages: [{ role: 'user', content: `Summarise:\n${prompt}` }],
    });
    const text = r.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    return { text, model: r.model, usage: r.usage };
  },
  async search({ prompt, model }) {
    const r = await openai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: `Rewrite as a search query: ${prompt}` }],
    });
    return { text: r.choices[0]?.message?.content ?? '', model: r.model, usage: r.usage };
  },
};

function accountOf(req) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const header = req.headers['x-account-id'];
  return url.searchParams.get('account') ?? (typeof header === 'string' ? header : undefined);
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res, status, body, type = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type });
  res.end(text);
}

async function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  if (path === '/healthz') return send(res, 200, { ok: true });
  if (path === '/metrics') return send(res, 200, await registry.metrics(), registry.contentType);
  if (path === '/alert-webhook' && req.method === 'POST') {
    const payload = JSON.parse((await readBody(req)) || '{}');
    for (const a of payload.alerts ?? []) {
      console.log(
        `alert ${a.status}: ${a.labels?.alertname} customer=${a.labels?.customer_id ?? '-'} ${a.annotations?.summary ?? ''}`,
      );
    }
    return send(res, 200, { received: payload.alerts?.length ?? 0 });
  }
  const feature = FEATURE_BY_PATH[path];
  if (!feature) return send(res, 404, { error: `no route ${path}` });

  const raw = req.method === 'POST' ? await readBody(req) : '';
  const body = raw ? JSON.parse(raw) : {};
  const prompt = body.prompt ?? url.searchParams.get('prompt') ?? 'Hello!';
  const model = body.model ?? url.searchParams.get('model') ?? DEFAULT_MODELS[feature];
  try {
    // Runs inside the request's attribution (see attributionHandler below): the GenAI span of
    // this call is tagged with the account and the feature, and priced per customer.
    return send(res, 200, await routes[feature]({ prompt, model }));
  } catch (err) {
    return send(res, 502, { error: String(err?.message ?? err) });
  }
}

const server = createServer(
  attributionHandler(
    (req, res) => {
      handle(req, res).catch((err) => send(res, 500, { error: String(err) }));
    },
    {
      resolve: (req) => {
        const customerId = accountOf(req);
        const feature = FEATURE_BY_PATH[new URL(req.url ?? '/', 'http://localhost').pathname];
        return customerId || feature ? { customerId, feature } : undefined;
      },
    },
  ),
);

server.listen(port, host, () => {
  const { port: actual } = server.address();
  console.log(`ai-margin example service listening on http://${host}:${actual}`);
});
