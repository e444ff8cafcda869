/**
 * `ai-margin prices`: look up, list, validate and apply time-effective prices.
 * Subcommands live in `../prices/`.
 */
import type { CommandIO } from '../io';
import { COST_HELP, cost } from '../prices/cost';
import { IMPORT_HELP, importCommand } from '../prices/import';
import { LIST_HELP, list } from '../prices/list';
import { LOOKUP_HELP, lookup } from '../prices/lookup';
import { EXIT } from '../prices/shared';
import { UPDATE_HELP, update } from '../prices/update';
import { VALIDATE_HELP, validate } from '../prices/validate';

const SUBCOMMANDS: Record<
  string,
  { run: (argv: string[], io: CommandIO) => Promise<number>; help: string }
> = {
  lookup: { run: lookup, help: LOOKUP_HELP },
  cost: { run: cost, help: COST_HELP },
  list: { run: list, help: LIST_HELP },
  validate: { run: validate, help: VALIDATE_HELP },
  update: { run: update, help: UPDATE_HELP },
  import: { run: importCommand, help: IMPORT_HELP },
};

const USAGE = `usage: ai-margin prices <subcommand> [options]

subcommands:
  lookup    the price period in force for a model at an instant
  cost      price one call (token counts) at an instant; --json for scripts
  list      every priced model and moving alias
  validate  check a user price file
  update    download a published price book, validate it, replace a price file atomically
  import    build dated price files from genai-prices / LiteLLM datasets (diff + conflicts)

Run 'ai-margin prices <subcommand> --help' for its options. Prices are USD per 1M tokens.
`;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const sub = SUBCOMMANDS[name];
  if (!sub) {
    io.stderr(`ai-margin prices: unknown subcommand '${name}'\n\n${USAGE}`);
    return EXIT.usage;
  }
  return sub.run(rest, io);
}
