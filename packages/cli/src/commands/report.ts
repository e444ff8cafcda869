import type { CommandIO } from '../io';

// Placeholder until the 'report' command lands; exits 2 so no script mistakes it for success.
export async function run(_argv: string[], io: CommandIO): Promise<number> {
  io.stderr('ai-margin report: not available in this build\n');
  return 2;
}
