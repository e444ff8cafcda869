// Writes the generated dashboards and rule files from the built package (run `tsup` first;
// `npm run generate -w @ai-margin/dashboards` does both).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFiles } from '../dist/index.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'generated');
rmSync(out, { recursive: true, force: true });
const files = generateFiles();
for (const [path, content] of Object.entries(files)) {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), content);
}
process.stdout.write(`wrote ${Object.keys(files).length} files under ${out}\n`);
