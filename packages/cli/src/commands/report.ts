/**
 * `ai-margin report --url <Prometheus-compatible API> [--window 30d] [--json]`: the margin report
 * from the same PromQL catalog as the dashboards.
 */
import { prometheusClient } from '@ai-margin/dashboards';
import { UsageError } from '../args';
import type { CommandIO } from '../io';
import { parseReportArgs, USAGE } from '../report/args';
import { buildReport } from '../report/build';
import { formatReport } from '../report/format';

export async function run(argv: string[], io: CommandIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  let options: ReturnType<typeof parseReportArgs>;
  try {
    options = parseReportArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`ai-margin report: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  try {
    const report = await buildReport(
      prometheusClient({ url: options.url, timeoutMs: options.timeoutMs }),
      options.window,
      options.at,
      options.filters,
      options.source,
    );
    io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return 0;
  } catch (err) {
    io.stderr(`ai-margin report: ${(err as Error).message}\n`);
    return 1;
  }
}
