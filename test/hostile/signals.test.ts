/**
 * Issue 12 item 4: a signal sent to `npm run golive-check` itself reaches
 * golive: it stops loading the target and writes a partial report (105),
 * instead of running on as an orphan and writing "passed" later.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/core/result.js';
import { cleanEnv, collect, ROOT } from '../support/processes.js';
import { waitFor } from '../support/wait.js';
import { startHostile, stopAll, TOKEN } from './harness.js';

afterEach(stopAll);

describe('hostile suite: signals through npm run', () => {
  it('SIGTERM to npm during the load phase: golive stops, exit 105 in a partial report, the target sees no more requests', async () => {
    const h = await startHostile('slow');
    const out = mkdtempSync(join(tmpdir(), 'golive-npm-signal-'));
    try {
      const npm = spawn('npm', ['run', '--silent', 'golive-check', '--', '--target', h.url, '--phases', 'health,load',
        '--requests', '100000', '--concurrency', '5', '--out', out, '--no-color'], {
        cwd: ROOT, env: cleanEnv({ GOLIVE_TOKEN: TOKEN }), stdio: ['ignore', 'pipe', 'pipe'],
      });
      const done = collect(npm, 60_000);
      // The load phase is running once the target has seen more than the two health calls.
      await waitFor('the load phase to start', async () => ((await h.requests()) > 10 ? true : undefined));
      const t0 = performance.now();
      npm.kill('SIGTERM');
      // stdout closes when its last writer, golive itself, has exited.
      const res = await done;
      expect(performance.now() - t0).toBeLessThan(15_000);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunResult;
      expect(summary.golive.verdict).toBe('aborted');
      expect(summary.golive.exitCode).toBe(105);
      expect(summary.golive.rollback.triggered).toBe(false);
      expect(summary.golive.phases.find((p) => p.name === 'load')?.status).toBe('aborted');
      expect(res.stdout).toMatch(/verdict: aborted \(exit 105\)/);
      const seen = await h.requests();
      expect(seen).toBeLessThan(100_000);
      // nothing is still loading the target
      const again = await h.requests();
      expect(again).toBe(seen);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
