import { defineConfig } from 'tsup';
import { preset } from '../../tsup.preset';

// `yaml` (scenario files of `ai-margin whatif`) stays an import: bundled, its CJS `require` of
// node built-ins fails in the ESM bundle. It belongs in this package's dependencies.
export default defineConfig(
  preset({ index: 'src/index.ts', main: 'src/main.ts' }, { external: ['yaml'] }),
);
