/**
 * Vitest globalSetup: builds dist/ once, before any test file runs. Many test
 * files spawn dist/golive.js and dist/reference-api.js; a test that rebuilt
 * dist/ itself would delete and rewrite the chunks under the others' feet
 * (scripts/build.mjs removes dist/chunks first).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { JUNIT_COLLECT_ENV } from './junit-collect.js';
import { ROOT } from './processes.js';

export default async function buildOnce(): Promise<() => void> {
  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, timeout: 120_000 });
  // Where runCli keeps each junit.xml the CLI writes, for test/junit-collected.test.ts (run last).
  const dir = mkdtempSync(join(tmpdir(), 'golive-junit-collected-'));
  process.env[JUNIT_COLLECT_ENV] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
