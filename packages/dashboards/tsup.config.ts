import { defineConfig } from 'tsup';
import { preset } from '../../tsup.preset';

// The metric catalog (`@ai-margin/processor/catalog`, dependency-free constants) is bundled in, so
// the generator and the CLI's report do not depend on the processor's build.
export default defineConfig(
  preset({ index: 'src/index.ts' }, { noExternal: ['@ai-margin/processor'] }),
);
