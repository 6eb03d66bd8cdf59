/**
 * The soft limit on open files of this process (what `ulimit -n` set), read
 * from /proc/self/limits; undefined where that file does not exist (the
 * budget check is then skipped, and EMFILE at run time is still named as
 * golive's fault, exit 107).
 */
import { readFileSync } from 'node:fs';

export function openFileLimit(path = '/proc/self/limits'): number | undefined {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return undefined; }
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  if (!m?.[1] || m[1] === 'unlimited') return undefined;
  return Number(m[1]);
}
