/**
 * Which k6 golive runs, read from `k6 version` before anything starts. golive
 * codes only to what holds from k6 v0.57 to v1.1 (both run by the tests):
 * `k6 run --quiet --out json=-`, SIGINT stops gracefully and still calls
 * handleSummary, handleSummary's data, exit codes 0/99/105/107/108. A version
 * outside that range is refused (104) unless the user says --k6-unverified.
 */
import { spawn } from 'node:child_process';
import { GoliveError } from '../../core/errors.js';

export const K6_VERIFIED = { min: '0.57.0', max: '1.1.0' } as const;
export const K6_VERIFIED_RANGE = `v${K6_VERIFIED.min} to v1.1.x`;
const VERSION_TIMEOUT_MS = 10_000;

type Triple = [number, number, number];

/** Pure: `k6 v1.1.0 (commit/..., go1.24.4, linux/amd64)` -> "1.1.0" (pre-release suffix kept). */
export function parseK6Version(text: string): string | undefined {
  return /^k6 v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/m.exec(text.trim())?.[1];
}

const triple = (v: string): Triple => v.split('-')[0]!.split('.').map(Number) as Triple;
const cmp = (a: Triple, b: Triple): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Pure: inside the verified range (any patch of the newest verified minor; no pre-releases). */
export function isVerifiedK6(version: string): boolean {
  if (version.includes('-')) return false;
  const v = triple(version);
  const max = triple(K6_VERIFIED.max);
  return cmp(v, triple(K6_VERIFIED.min)) >= 0 && cmp([v[0], v[1], 0], [max[0], max[1], 0]) <= 0;
}

function versionText(bin: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['version'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), VERSION_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (s: string) => { if (out.length < 4096) out += s; });
    child.once('error', (err: NodeJS.ErrnoException) => { clearTimeout(timer); reject(err); });
    child.once('close', () => { clearTimeout(timer); resolve(out); });
  });
}

/** The version of `bin`, or GoliveError: 104 when unverified (without the override), 107 when unreadable. */
export async function checkK6Version(bin: string, env: NodeJS.ProcessEnv, allowUnverified: boolean): Promise<string> {
  let text: string;
  try {
    text = await versionText(bin, env);
  } catch (err) {
    throw new GoliveError('GOLIVE_ENGINE_ERROR', `could not run '${bin} version': ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  const version = parseK6Version(text);
  if (version === undefined) {
    throw new GoliveError('GOLIVE_ENGINE_ERROR', `'${bin} version' printed no k6 version (expected "k6 vX.Y.Z ..."); is it k6?`);
  }
  if (!allowUnverified && !isVerifiedK6(version)) {
    throw new GoliveError('GOLIVE_INVALID_CONFIG',
      `--engine k6: k6 v${version} (${bin}) is not a version golive has verified (supported: ${K6_VERIFIED_RANGE}); install one of those, or pass --k6-unverified to run it anyway`);
  }
  return version;
}
