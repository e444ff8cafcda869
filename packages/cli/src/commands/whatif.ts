/**
 * `ai-margin whatif --scenario FILE (--url URL | --demo) [--from --to] [--json] [--suggest]`:
 * replays observed usage under a scenario; see packages/cli/src/whatif and docs/whatif.md.
 */
import type { CommandIO } from '../io';

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { runWhatif } = await import('../whatif/run');
  return runWhatif(argv, io);
}
