/**
 * Vitest globalSetup: builds dist/ once, before any test file runs. Many test
 * files spawn dist/golive.js and dist/reference-api.js; a test that rebuilt
 * dist/ itself would delete and rewrite the chunks under the others' feet
 * (scripts/build.mjs removes dist/chunks first).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './processes.js';

export default async function buildOnce(): Promise<void> {
  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, timeout: 120_000 });
}
