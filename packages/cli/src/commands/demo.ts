import type { CommandIO } from '../io';

/** `ai-margin demo`: see packages/cli/src/demo and docs/demo.md. */
export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { runDemo } = await import('../demo/run-demo');
  return runDemo(argv, io);
}
