/**
 * Where the k6 binary is: `K6_BINARY` when set (it must then be an executable
 * file; no fallback, so a typo is not silently replaced by another k6), else
 * the first executable `k6` on PATH.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const K6_INSTALL_HINT = 'install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/) or use --engine node';

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findK6(env: NodeJS.ProcessEnv): string | undefined {
  const explicit = env['K6_BINARY'];
  if (explicit !== undefined && explicit !== '') return isExecutableFile(explicit) ? explicit : undefined;
  const names = process.platform === 'win32' ? ['k6.exe', 'k6'] : ['k6'];
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The one-line reason k6 cannot be used, for GOLIVE_K6_NOT_FOUND. */
export function k6NotFoundMessage(env: NodeJS.ProcessEnv): string {
  const explicit = env['K6_BINARY'];
  if (explicit !== undefined && explicit !== '') return `K6_BINARY=${explicit} is not an executable file: ${K6_INSTALL_HINT}`;
  return `k6 not found on PATH: ${K6_INSTALL_HINT}`;
}
