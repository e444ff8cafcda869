/**
 * `--serve` keeps the demo's metrics up on /metrics (prom-client text format, catalog names) until
 * SIGINT; `--otlp` sends OTLP/protobuf metrics to a collector (here a local capture server).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { METRICS } from '@ai-margin/conventions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../src/demo/run-demo';

interface Capture {
  path: string;
  contentType: string;
  bytes: number;
}

let collector: Server;
let collectorUrl: string;
const received: Capture[] = [];

beforeAll(async () => {
  collector = createServer((req: IncomingMessage, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: String(req.headers['content-type'] ?? ''),
        bytes,
      });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((ok) => collector.listen(0, '127.0.0.1', ok));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/metrics`;
});

afterAll(async () => {
  await new Promise<void>((ok) => collector.close(() => ok()));
});

describe('demo --serve and --otlp', () => {
  it('serves /metrics until SIGINT and exports OTLP/protobuf', async () => {
    let err = '';
    const running = runDemo(
      ['--customers', '8', '--seed', '3', '--serve', '0', '--otlp', collectorUrl],
      {
        isTTY: false,
        stdout: () => {},
        stderr: (t) => {
          err += t;
        },
      },
    );
    // Wait for the "serving" line, which carries the port.
    const deadline = Date.now() + 60_000;
    let url: string | undefined;
    while (!url && Date.now() < deadline) {
      url = /(http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(err)?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 100));
    }
    expect(url, err).toBeDefined();
    const res = await fetch(url as string);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(`# TYPE ${METRICS.cost.promName} counter`);
    expect(text).toMatch(new RegExp(`^${METRICS.cost.promName}\\{[^}]*customer_id="`, 'm'));
    expect(text).toContain(METRICS.customerInfo.promName);

    process.emit('SIGINT');
    expect(await running).toBe(0);
    expect(received.length).toBeGreaterThan(0);
    expect(received[0]?.path).toBe('/v1/metrics');
    expect(received[0]?.contentType).toBe('application/x-protobuf');
    expect(received[0]?.bytes).toBeGreaterThan(100);
  }, 90_000);
});
