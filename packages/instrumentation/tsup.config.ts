import { defineConfig } from 'tsup';
import { preset } from '../../tsup.preset';

export default defineConfig(
  preset({
    index: 'src/index.ts',
    attribution: 'src/attribution/index.ts',
    coverage: 'src/common/coverage.ts',
  }),
);
