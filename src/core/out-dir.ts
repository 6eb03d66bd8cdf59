/**
 * The reports directory, made and proved writable before the first request:
 * a run whose reports cannot be written is a bad plan (exit 104), not a lost
 * result found out after the load. Directories are made one level at a time:
 * Node's recursive mkdir loops forever on some paths (e.g. under /proc).
 */
import { firstLine } from './errors.js';
import { randomBytes } from 'node:crypto';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

export class OutDirError extends Error {}

function why(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return typeof e.code === 'string' ? e.code : firstLine(err);
}

async function isDir(path: string): Promise<boolean | undefined> {
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    // ENOTDIR: an ancestor is a file; walking up names it.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new OutDirError(`cannot read ${path}: ${why(err)}`);
  }
}

/** mkdir -p without recursion in Node: every level checked, each error named once. */
export async function ensureDir(dir: string): Promise<void> {
  const missing: string[] = [];
  let cur = resolve(dir);
  for (;;) {
    const d = await isDir(cur);
    if (d === true) break;
    if (d === false) throw new OutDirError(`${cur} exists and is not a directory`);
    missing.unshift(cur);
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  for (const m of missing) {
    try {
      await mkdir(m);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && (await isDir(m)) === true) continue;
      throw new OutDirError(`cannot create ${m}: ${why(err)}`);
    }
  }
}

/** Creates the directory and writes, syncs and removes a probe file in it. */
export async function probeOutDir(dir: string): Promise<void> {
  await ensureDir(dir);
  const probe = join(dir, `.golive-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const fh = await open(probe, 'wx', 0o600);
    try {
      await fh.writeFile('probe');
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new OutDirError(`cannot write in ${resolve(dir)}: ${why(err)}`);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}
