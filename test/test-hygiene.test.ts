/**
 * Rules about the test suite itself that a single test file cannot see:
 * dist/ is built once before the tests (vitest globalSetup), never by a test
 * file while other files spawn it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/processes.js';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|mts|mjs)$/.test(e.name) ? [join(dir, e.name)] : []);
}

const GLOBAL_SETUP = 'test/support/global-build.ts';

describe('test suite hygiene', () => {
  it('dist/ is built once by the vitest globalSetup, and no test file runs the build', () => {
    expect(readFileSync(join(ROOT, 'vitest.config.ts'), 'utf8')).toContain(`globalSetup: ['${GLOBAL_SETUP}']`);
    expect(readFileSync(join(ROOT, GLOBAL_SETUP), 'utf8')).toMatch(/execFile\)\(process\.execPath, \[join\(ROOT, 'scripts', 'build\.mjs'\)\]/);
    const offenders = files(join(ROOT, 'test'))
      .map((f) => relative(ROOT, f))
      .filter((f) => f !== GLOBAL_SETUP && f !== 'test/test-hygiene.test.ts')
      .filter((f) => readFileSync(join(ROOT, f), 'utf8').split('\n')
        .some((line) => line.includes('build.mjs') && /\b(execFile|execFileSync|spawn|spawnSync|execSync|exec)\b/.test(line)));
    expect(offenders).toEqual([]);
  });
});
