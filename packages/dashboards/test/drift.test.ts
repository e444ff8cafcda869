/** The committed generated files are exactly what the generator produces now (CI fails on drift). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFiles } from '../src/generate';

const GENERATED = join(__dirname, '..', 'generated');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [relative(GENERATED, full)];
  });
}

describe('generated files', () => {
  const files = generateFiles();

  it('the committed set of files is exactly the generated set', () => {
    expect(listFiles(GENERATED).sort()).toEqual(Object.keys(files).sort());
  });

  it.each(Object.keys(files))(
    '%s is byte for byte up to date (run: npm run generate -w @ai-margin/dashboards)',
    (path) => {
      expect(readFileSync(join(GENERATED, path), 'utf8')).toBe(files[path]);
    },
  );
});
