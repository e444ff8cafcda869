/**
 * Writes several files as one step: every file is first written to a temp file next to its
 * target, then all temp files are renamed into place. A failure at any point removes the temp
 * files, restores any target already replaced and removes directories this call created, so
 * either all files are written or none is (nothing half-written, no temp file left).
 */
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface FileToWrite {
  path: string;
  text: string;
  /** Create the parent directory when missing (e.g. --save-pages DIR). */
  createDir?: boolean;
}

/** An output path that cannot be written, found before anything is written. */
export class OutputPathError extends Error {}

/**
 * Checks that `path` can be written: not a directory; its directory exists and is writable
 * (or, with `createDir`, its nearest existing ancestor is a writable directory).
 */
export async function checkWritable(path: string, createDir = false): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) throw new OutputPathError(`${path}: is a directory`);
  let dir = dirname(path);
  for (;;) {
    const d = await stat(dir).catch(() => undefined);
    if (d) {
      if (!d.isDirectory()) throw new OutputPathError(`${path}: ${dir} is not a directory`);
      break;
    }
    if (!createDir || dirname(dir) === dir) {
      throw new OutputPathError(`${path}: directory ${dir} does not exist`);
    }
    dir = dirname(dir);
  }
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new OutputPathError(`${path}: directory ${dir} is not writable`);
  }
}

/** Writes all files or none; throws the first error after undoing what was done. */
export async function writeFilesAtomically(files: readonly FileToWrite[]): Promise<void> {
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const createdDirs: string[] = [];
  const temps: string[] = [];
  const committed: { path: string; backup: string | undefined }[] = [];
  try {
    for (const f of files) {
      if (f.createDir) {
        const made = await mkdir(dirname(f.path), { recursive: true });
        if (made !== undefined) createdDirs.push(made);
      }
      // Never replace a directory with a file (the backup step below would move it away).
      if ((await stat(f.path).catch(() => undefined))?.isDirectory()) {
        throw new Error(`${f.path}: is a directory`);
      }
      const tmp = join(dirname(f.path), `.${basename(f.path)}.tmp-${tag}`);
      temps.push(tmp);
      await writeFile(tmp, f.text, { flag: 'wx' });
    }
    for (const [i, f] of files.entries()) {
      const exists = await stat(f.path).then(
        () => true,
        () => false,
      );
      const backup = exists ? join(dirname(f.path), `.${basename(f.path)}.bak-${tag}`) : undefined;
      if (backup) await rename(f.path, backup);
      committed.push({ path: f.path, backup });
      await rename(temps[i] as string, f.path);
    }
  } catch (e) {
    await undo(temps, committed, createdDirs);
    throw e;
  }
  for (const c of committed) if (c.backup) await rm(c.backup, { force: true }).catch(() => {});
}

async function undo(
  temps: readonly string[],
  committed: readonly { path: string; backup: string | undefined }[],
  createdDirs: readonly string[],
): Promise<void> {
  const quiet = () => undefined;
  for (const t of temps) await rm(t, { force: true }).catch(quiet);
  for (const c of [...committed].reverse()) {
    if (c.backup) await rename(c.backup, c.path).catch(quiet);
    else await rm(c.path, { force: true }).catch(quiet);
  }
  for (const d of [...createdDirs].reverse())
    await rm(d, { recursive: true, force: true }).catch(quiet);
}
