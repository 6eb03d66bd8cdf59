/**
 * How true the load phase's numbers are: against a server with a known fixed
 * latency, golive's p95 must sit within max(1 ms, 2 %) of the truth and within
 * 5 % of what `ab` (the runbook's own tool) reports against the same server.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import { runCli, spawnReferenceApi } from './support/processes.js';
import type { SpawnedApi } from './support/processes.js';

const run = promisify(execFile);
const LATENCY_MS = 50;
let api: SpawnedApi;

beforeAll(async () => {
  await run('ab', ['-V']).catch(() => {
    throw new Error('ab not found: install it with `apt-get install -y apache2-utils` (.ci/run does)');
  });
  api = await spawnReferenceApi(['--token', 't', '--latency', `fixed:${LATENCY_MS}`]);
});
afterAll(async () => api?.stop());

/** ab's "95%  51" line of its percentile table, in ms. */
export function abPercentile(output: string, p: number): number {
  const m = new RegExp(`^\\s*${p}%\\s+(\\d+)`, 'm').exec(output);
  if (!m?.[1]) throw new Error(`no ${p}% line in ab output:\n${output}`);
  return Number(m[1]);
}

describe('latency accuracy against a fixed 50 ms server', () => {
  it('measures p95 within max(1 ms, 2 %) of the truth and within 5 % of ab', async () => {
    const out = await mkdtemp(join(tmpdir(), 'golive-acc-'));
    const res = await runCli(['check', '--target', api.url, '--phases', 'load', '--requests', '1000', '--concurrency', '10', '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunResult;
    const p95 = summary.metrics['http_req_duration{phase:load}']?.values['p(95)'];
    expect(p95).toBeDefined();
    const tolerance = Math.max(1, LATENCY_MS * 0.02);
    expect(p95!).toBeGreaterThanOrEqual(LATENCY_MS);
    expect(p95! - LATENCY_MS).toBeLessThanOrEqual(tolerance);

    // The runbook's own command, against the same server.
    const ab = await run('ab', ['-n', '1000', '-c', '10', `${api.url}/health`], { timeout: 60_000 });
    const abP95 = abPercentile(ab.stdout, 95);
    // ab prints whole milliseconds; compare against its resolution as well.
    expect(Math.abs(p95! - abP95)).toBeLessThanOrEqual(Math.max(abP95 * 0.05, 1));
  });
});
