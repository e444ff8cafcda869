import type { CommandIO } from '../io';
import { EXIT, guarded, loadBook, parseBookFlags, printJson, table } from './shared';

export const LIST_HELP = `usage: ai-margin prices list [--provider P] [--prices FILE]... [--json]

Every priced model with its aliases and its latest period, and every moving alias.
`;

export async function list(argv: string[], io: CommandIO): Promise<number> {
  return guarded(io, 'list', () => {
    const values = parseBookFlags(argv, io, LIST_HELP, { provider: { type: 'string' } });
    if (!values) return EXIT.ok;
    const book = loadBook(values.prices);
    const models = book.list(values.provider);
    const moving = book.listMovingAliases(values.provider);
    if (values.provider !== undefined && models.length === 0 && moving.length === 0) {
      const known = book.listProviders().map((p) => p.provider);
      io.stderr(
        `ai-margin prices list: unknown provider "${values.provider}" (known: ${known.join(', ')})\n`,
      );
      return EXIT.usage;
    }
    if (values.json) {
      printJson(io, { models, movingAliases: moving });
      return EXIT.ok;
    }
    const rows = [['provider', 'model', 'latest from', 'input', 'output', 'periods', 'aliases']];
    for (const m of models) {
      const latest = m.periods[m.periods.length - 1]!;
      rows.push([
        m.provider,
        m.model,
        latest.effectiveFrom,
        String(latest.prices.input),
        String(latest.prices.output),
        String(m.periods.length),
        m.aliases.join(', '),
      ]);
    }
    let text = `${table(rows)}\n`;
    if (moving.length > 0) {
      text += '\nmoving aliases\n';
      for (const a of moving) {
        const targets = a.targets.map((t) => `${t.model} from ${t.effectiveFrom}`).join('; ');
        text += `  ${a.provider} ${a.alias} -> ${targets}\n`;
      }
    }
    text += `\n${models.length} models; prices in USD per 1M tokens\n`;
    io.stdout(text);
    return EXIT.ok;
  });
}
