/**
 * Entry point of the `ai-margin` command: dispatches to one module per subcommand.
 * Each subcommand module exports `run(argv, io)` and returns the process exit code.
 */
import type { CommandIO } from './io';
import { defaultIO } from './io';

type Command = {
  summary: string;
  load: () => Promise<{ run: (argv: string[], io: CommandIO) => Promise<number> }>;
};

const COMMANDS: Record<string, Command> = {
  demo: {
    summary: 'simulate an AI SaaS through real SDK clients and print its margin report',
    load: () => import('./commands/demo'),
  },
  report: {
    summary: 'margin report from a Prometheus-compatible API',
    load: () => import('./commands/report'),
  },
  whatif: {
    summary: 'replay observed usage under a scenario (routing, prices, caps, caching); --suggest',
    load: () => import('./commands/whatif'),
  },
  prices: {
    summary: 'look up, list, validate and apply time-effective prices',
    load: () => import('./commands/prices'),
  },
  reconcile: {
    summary: 'compare provisional cost with provider cost reports',
    load: () => import('./commands/reconcile'),
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: ai-margin <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'ai-margin <command> --help' for a command's options.\n`;
}

export async function main(argv: string[], io: CommandIO = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`ai-margin: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest, io);
}
