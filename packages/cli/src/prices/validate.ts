import { PriceBook, PriceFileError } from '@ai-margin/processor';
import { parseFlagsAndOperands, UsageError } from '../args';
import type { CommandIO } from '../io';
import { EXIT, guarded } from './shared';

export const VALIDATE_HELP = `usage: ai-margin prices validate FILE...

Checks user price files (.json, .yaml, .yml) against the schema and merged over the shipped book.
Exit 0 when valid; 1 with the first error (file, model and field) when not.
`;

export async function validate(argv: string[], io: CommandIO): Promise<number> {
  return guarded(io, 'validate', () => {
    const { values, operands } = parseFlagsAndOperands(argv, {
      help: { type: 'boolean', short: 'h', default: false },
    });
    if (values.help) {
      io.stdout(VALIDATE_HELP);
      return EXIT.ok;
    }
    if (operands.length === 0) throw new UsageError('missing FILE to validate');
    for (const file of operands) {
      try {
        const book = PriceBook.load({ userFiles: [file] });
        const models = book.list().length;
        io.stdout(`${file}: ok (merged over the shipped prices: ${models} models)\n`);
      } catch (err) {
        if (err instanceof PriceFileError) {
          io.stderr(`${err.message}\n`);
          return EXIT.invalidFile;
        }
        throw err;
      }
    }
    return EXIT.ok;
  });
}
