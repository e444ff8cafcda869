import { expect } from 'vitest';
import { run } from '../../src/commands/report';
import type { MarginReport } from '../../src/report/build';
import { captureIO } from './capture-io';

/** `ai-margin report --json` over the 30 days ending at `at`; it must succeed and print no error. */
export async function reportJson(
  url: string,
  at: number,
  ...extra: string[]
): Promise<MarginReport> {
  const io = captureIO();
  const code = await run(
    ['--url', url, '--window', '30d', '--at', String(at), '--json', ...extra],
    io,
  );
  expect(io.err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(io.out) as MarginReport;
}
