/** The shared Prometheus HTTP client against a local stand-in server (no backend binary needed). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusQueryError, prometheusClient } from '@ai-margin/dashboards';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Seen {
  path: string;
  form: URLSearchParams;
  authorization: string | undefined;
}

type Reply = (form: URLSearchParams, res: ServerResponse) => void;

let server: Server;
let url: string;
let reply: Reply;
let seen: Seen[] = [];

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      seen.push({ path: req.url ?? '', form, authorization: req.headers.authorization });
      reply(form, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('prometheusClient', () => {
  it('instant: a vector keeps every label; a scalar is one sample without labels', async () => {
    seen = [];
    reply = (form, res) =>
      form.get('query') === 'scalar(1)'
        ? json(res, 200, { status: 'success', data: { resultType: 'scalar', result: [1, '1'] } })
        : json(res, 200, {
            status: 'success',
            data: {
              resultType: 'vector',
              result: [{ metric: { __name__: 'm', a: 'x' }, value: [1, 'NaN'] }],
            },
          });
    const client = prometheusClient({
      url: `${url}/`,
      headers: { authorization: 'Bearer t' },
      noCache: true,
    });
    const vector = await client.instant('m', 1700000000);
    expect(vector).toHaveLength(1);
    expect(vector[0]?.labels).toEqual({ __name__: 'm', a: 'x' });
    expect(vector[0]?.value).toBeNaN();
    expect(await client.instant('scalar(1)')).toEqual([{ labels: {}, value: 1 }]);
    expect(seen[0]?.path).toBe('/api/v1/query');
    expect(Object.fromEntries(seen[0]?.form ?? [])).toEqual({
      query: 'm',
      time: '1700000000',
      nocache: '1',
    });
    expect(seen[0]?.authorization).toBe('Bearer t');
    expect(seen[1]?.form.has('time')).toBe(false);
  });

  it('range and rawSamples read a matrix', async () => {
    seen = [];
    const matrix = {
      status: 'success',
      data: { resultType: 'matrix', result: [{ metric: { a: 'x' }, values: [[10, '1.5']] }] },
    };
    reply = (_form, res) => json(res, 200, matrix);
    const client = prometheusClient({ url });
    const expected = [{ labels: { a: 'x' }, values: [[10, 1.5]] }];
    expect(await client.range('m', 0, 60, 15)).toEqual(expected);
    expect(await client.rawSamples('m[1d]', 60)).toEqual(expected);
    expect(seen[0]?.path).toBe('/api/v1/query_range');
    expect(Object.fromEntries(seen[0]?.form ?? [])).toEqual({
      query: 'm',
      start: '0',
      end: '60',
      step: '15',
    });
  });

  it('errors name the URL and the query, with kind and status', async () => {
    const client = prometheusClient({ url });
    reply = (_form, res) =>
      json(res, 400, { status: 'error', errorType: 'bad_data', error: 'parse error' });
    const bad = await client.instant('sum(', 1).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(PrometheusQueryError);
    expect((bad as PrometheusQueryError).message).toBe(
      `${url}/api/v1/query: HTTP 400: bad_data: parse error; query: sum(`,
    );
    expect(bad).toMatchObject({ kind: 'http', status: 400, query: 'sum(' });

    reply = (_form, res) => res.writeHead(502).end('bad gateway');
    await expect(client.instant('up')).rejects.toMatchObject({
      kind: 'http',
      status: 502,
      detail: 'HTTP 502: bad gateway',
    });

    reply = (_form, res) => res.writeHead(200).end('<html>');
    await expect(client.instant('up')).rejects.toMatchObject({ kind: 'response', status: 200 });

    reply = (_form, res) =>
      json(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } });
    await expect(client.instant('up[5m]')).rejects.toThrow(
      `${url}/api/v1/query: expected an instant vector or scalar, got matrix: []; query: up[5m]`,
    );
  });

  it('an unreachable server and a slow one fail with their own kind', async () => {
    await expect(
      prometheusClient({ url: 'http://127.0.0.1:1' }).instant('up'),
    ).rejects.toMatchObject({
      kind: 'unreachable',
      message: expect.stringMatching(/^cannot reach http:\/\/127\.0\.0\.1:1\/api\/v1\/query: /),
    });
    reply = () => undefined; // never answers
    await expect(prometheusClient({ url, timeoutMs: 100 }).instant('up')).rejects.toMatchObject({
      kind: 'timeout',
      detail: 'no answer within 100 ms',
    });
  });
});
