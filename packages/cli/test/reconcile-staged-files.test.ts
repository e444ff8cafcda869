/** All-or-nothing file writes of `ai-margin reconcile` (issue 13, item 7). */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkWritable,
  OutputPathError,
  writeFilesAtomically,
} from '../src/reconcile/staged-files';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ai-margin-staged-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFilesAtomically', () => {
  it('writes every file, replacing old ones, and leaves no temp or backup file', async () => {
    const d = join(dir, 'ok');
    await mkdir(d);
    await writeFile(join(d, 'a.om'), 'old');
    await writeFilesAtomically([
      { path: join(d, 'a.om'), text: 'new a' },
      { path: join(d, 'pages', 'openai', 'costs-0001.json'), text: '{}', createDir: true },
    ]);
    expect(await readdir(d)).toEqual(['a.om', 'pages']);
    expect(await readFile(join(d, 'a.om'), 'utf8')).toBe('new a');
    expect(await readdir(join(d, 'pages', 'openai'))).toEqual(['costs-0001.json']);
  });

  it('a failure on a later file writes nothing: earlier files untouched, created dirs removed', async () => {
    const d = join(dir, 'fail');
    await mkdir(d);
    await writeFile(join(d, 'a.om'), 'old');
    await writeFile(join(d, 'blocker'), 'a file where a directory is needed');
    await expect(
      writeFilesAtomically([
        { path: join(d, 'a.om'), text: 'new' },
        { path: join(d, 'pages', 'x.json'), text: '{}', createDir: true },
        { path: join(d, 'blocker', 'y.json'), text: '{}' },
      ]),
    ).rejects.toThrow(/ENOTDIR/);
    expect(await readdir(d)).toEqual(['a.om', 'blocker']);
    expect(await readFile(join(d, 'a.om'), 'utf8')).toBe('old');
  });

  it('never replaces a directory with a file', async () => {
    const d = join(dir, 'isdir');
    await mkdir(join(d, 'out.om'), { recursive: true });
    await writeFile(join(d, 'out.om', 'keep'), 'x');
    await expect(writeFilesAtomically([{ path: join(d, 'out.om'), text: 'y' }])).rejects.toThrow(
      /is a directory/,
    );
    expect(await readdir(d)).toEqual(['out.om']);
    expect(await readdir(join(d, 'out.om'))).toEqual(['keep']);
  });
});

describe('checkWritable', () => {
  it('names what is wrong with an output path', async () => {
    await writeFile(join(dir, 'plain'), '');
    await expect(checkWritable(dir)).rejects.toThrow(new OutputPathError(`${dir}: is a directory`));
    await expect(checkWritable(join(dir, 'nope', 'x.om'))).rejects.toThrow(
      `${join(dir, 'nope', 'x.om')}: directory ${join(dir, 'nope')} does not exist`,
    );
    await expect(checkWritable(join(dir, 'plain', 'x.om'))).rejects.toThrow(/is not a directory/);
    await expect(
      checkWritable(join(dir, 'nope', 'deeper', 'x.json'), true),
    ).resolves.toBeUndefined();
    await expect(checkWritable(join(dir, 'x.om'))).resolves.toBeUndefined();
  });
});
