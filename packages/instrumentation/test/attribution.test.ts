import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Attribution,
  attributionHandler,
  attributionMiddleware,
  getAttribution,
  withAttribution,
} from '@ai-margin/instrumentation';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CBaggagePropagator());
});
afterAll(() => {
  context.disable();
  propagation.disable();
});

/** The `baggage` header an outgoing request would carry from the active context. */
function outgoingBaggage(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.baggage;
}

describe('withAttribution', () => {
  it('nests: inner keys override outer ones, the rest is kept, and async work inherits it', async () => {
    const seen: Array<Readonly<Attribution> | undefined> = [];
    await withAttribution({ customerId: 'acme', feature: 'chat', plan: 'pro' }, async () => {
      seen.push(getAttribution());
      await withAttribution({ feature: 'summarize', customerId: '' }, async () => {
        await new Promise((r) => setTimeout(r, 1));
        seen.push(getAttribution());
      });
      seen.push(getAttribution());
    });
    expect(seen).toEqual([
      { customerId: 'acme', feature: 'chat', plan: 'pro' },
      { customerId: 'acme', feature: 'summarize', plan: 'pro' },
      { customerId: 'acme', feature: 'chat', plan: 'pro' },
    ]);
    expect(getAttribution()).toBeUndefined();
  });

  it('does not touch baggage', () => {
    withAttribution({ customerId: 'acme' }, () => {
      expect(outgoingBaggage()).toBeUndefined();
    });
  });
});

describe('attributionMiddleware (Express-style)', () => {
  it('runs the rest of the chain with the resolved attribution', async () => {
    const mw = attributionMiddleware<{ user: { org: string } }>({
      resolve: (req) => ({ customerId: req.user.org, feature: 'api' }),
    });
    const result = await new Promise<Readonly<Attribution> | undefined>((resolve) => {
      mw({ user: { org: 'globex' } }, {}, () => {
        setImmediate(() => resolve(getAttribution()));
      });
    });
    expect(result).toEqual({ customerId: 'globex', feature: 'api' });
  });

  it('survives a throwing resolve (no attribution, next still called)', () => {
    let called = false;
    const mw = attributionMiddleware<object>({
      resolve: () => {
        throw new Error('no session');
      },
    });
    mw({}, {}, () => {
      called = true;
      expect(getAttribution()).toBeUndefined();
    });
    expect(called).toBe(true);
  });

  it('baggage is off by default: incoming entries are not read, nothing is written', () => {
    const mw = attributionMiddleware<{ headers: Record<string, string> }>({
      resolve: () => ({ feature: 'api' }),
    });
    mw({ headers: { baggage: 'ai_margin.customerId=from-upstream' } }, {}, () => {
      expect(getAttribution()).toEqual({ feature: 'api' });
      expect(outgoingBaggage()).toBeUndefined();
    });
  });

  it('with an allow-list, reads and writes only allow-listed keys; resolve() wins', () => {
    const mw = attributionMiddleware<{ headers: Record<string, string> }>({
      resolve: () => ({ feature: 'api', secretKey: 'never-in-baggage' }),
      baggage: { allowKeys: ['customerId', 'feature'] },
    });
    const headers = {
      baggage:
        'ai_margin.customerId=from-upstream,ai_margin.feature=upstream-feature,ai_margin.plan=gold',
    };
    mw({ headers }, {}, () => {
      expect(getAttribution()).toEqual({
        customerId: 'from-upstream',
        feature: 'api',
        secretKey: 'never-in-baggage',
      });
      const out = outgoingBaggage() ?? '';
      expect(out).toContain('ai_margin.customerId=from-upstream');
      expect(out).toContain('ai_margin.feature=api');
      expect(out).not.toContain('plan');
      expect(out).not.toContain('secretKey');
      expect(out).not.toContain('never-in-baggage');
    });
  });

  it('reads baggage already extracted into the active context (HTTP instrumentation)', () => {
    const mw = attributionMiddleware<object>({
      resolve: () => undefined,
      baggage: { allowKeys: ['customerId'], inject: false },
    });
    const extracted = propagation.extract(ROOT_CONTEXT, {
      baggage: 'ai_margin.customerId=ctx-customer',
    });
    context.with(extracted, () => {
      mw({}, {}, () => {
        expect(getAttribution()).toEqual({ customerId: 'ctx-customer' });
      });
    });
  });
});

describe('attributionHandler (plain Node http)', () => {
  it('gives every request its own attribution, through async work', async () => {
    const server = createServer(
      attributionHandler(
        (_req, res) => {
          setTimeout(() => res.end(JSON.stringify(getAttribution() ?? null)), 5);
        },
        { resolve: (req) => ({ customerId: String(req.headers['x-tenant']), feature: 'http' }) },
      ),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const get = (tenant: string) =>
      new Promise<unknown>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, headers: { 'x-tenant': tenant } }, (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve(JSON.parse(body)));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const [a, b] = await Promise.all([get('t1'), get('t2')]);
      expect(a).toEqual({ customerId: 't1', feature: 'http' });
      expect(b).toEqual({ customerId: 't2', feature: 'http' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
