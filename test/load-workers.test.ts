/**
 * `--workers N` end to end through `golive check` against the reference API
 * on port 0: two threads sharing the schedule give the same verdict, the same
 * counts and the same generator check as one, for a pass and for a target
 * that holds its requests (drops at max-in-flight, 99 in words).
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import { runCli, spawnReferenceApi, type SpawnedApi } from './support/processes.js';

const TOKEN = 'test-token-0123456789';
let fast: SpawnedApi;
let slow: SpawnedApi;
beforeAll(async () => {
  [fast, slow] = await Promise.all([spawnReferenceApi(TOKEN, []), spawnReferenceApi(TOKEN, ['--latency', 'fixed:300'])]);
});
afterAll(async () => {
  await Promise.all([fast?.stop(), slow?.stop()]);
});

async function check(api: SpawnedApi, cliArgs: string[]) {
  const out = await mkdtemp(join(tmpdir(), 'golive-workers-'));
  const res = await runCli(['check', '--target', api.url, '--out', out, '--no-color', '--phases', 'load', ...cliArgs], { env: { GOLIVE_TOKEN: TOKEN } });
  const text = await readFile(join(out, 'summary.json'), 'utf8').catch(() => { throw new Error(`no summary.json: exit ${res.code}: ${res.stderr}`); });
  return { res, summary: JSON.parse(text) as RunResult };
}

const generator = (s: RunResult) => s.golive.checks.find((c) => c.name === 'load generator kept up');

describe('--workers 2 gives the verdict of --workers 1', () => {
  it('a passing staged run: every arrival sent once, per stage, lag and timeline merged from both threads', async () => {
    // 20/s over 3 s stages: a starved machine wakes a sleeping thread late by tens of ms, and the
    // generator check allows a stage to stretch by 5 % (150 ms here) before it is ours (107).
    const args = ['--stages', '3s:20,3s:20:hold', '--threshold', 'http_reqs{phase:load,stage:hold}=count>=60',
      '--threshold', 'http_reqs{phase:load,stage:0}=count>=30',
      // puts the stage's lag in the summary; an arrival over 1 s late is dropped as ours, never sent, so no sent one lags 2 s
      '--threshold', 'golive_schedule_lag{phase:load,stage:hold}=p(99)<2000'];
    const one = await check(fast, [...args, '--workers', '1']);
    const two = await check(fast, [...args, '--workers', '2']);
    for (const { res, summary } of [one, two]) {
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(summary.metrics['http_reqs{phase:load,stage:0}']?.values.count).toBe(30);
      expect(summary.metrics['http_reqs{phase:load,stage:hold}']?.values.count).toBe(60);
      expect(generator(summary)).toMatchObject({ passes: 2, fails: 0 });
    }
    // both threads' lag merged into the stage's series
    for (const { summary } of [one, two]) expect(summary.metrics['golive_schedule_lag{phase:load,stage:hold}']?.values['p(99)']).toBeGreaterThanOrEqual(0);
    // the timeline holds every request of both threads, once
    const tl = two.summary.golive.timeline?.series.filter((s) => s.phase === 'load') ?? [];
    const sent = two.summary.metrics['http_reqs{phase:load}']?.values.count;
    expect(sent).toBe(90);
    expect(tl.flatMap((s) => s.reqs).reduce((a, b) => a + b, 0)).toBe(sent);
  });

  it("a generator that fell behind is golive's own 107 in one line, judged over both threads, never the target's 99", async () => {
    // The opt-in strict limit at 1 µs: no thread releases its arrivals that precisely, so the
    // merged lag p99 is over it whatever the machine is doing.
    const args = ['--stages', '1s:50,1s:50:hold', '--max-schedule-lag', '0.001'];
    for (const { res, summary } of [await check(fast, [...args, '--workers', '1']), await check(fast, [...args, '--workers', '2'])]) {
      expect(res.code).toBe(107);
      expect(res.stderr.trim()).toMatch(/^golive: the load generator fell behind in stage (0|hold): sent \d+ of \d+ req\/s; schedule lag p99 [\d.]+ ms \(limit 0\.00 ms\); lower --rate or add runners with `golive k8s run --parallelism`$/);
      expect(generator(summary)?.fails).toBeGreaterThan(0);
      expect(summary.golive.thresholds.filter((t) => !t.ok && t.voided === undefined)).toEqual([]);
    }
  });

  it('a target that holds its requests: arrivals dropped at max-in-flight fail the gate (99) in the same words', async () => {
    // 200/s at 10 in flight (5 per thread) against 300 ms responses sends about 33/s
    const args = ['--rate', '200', '--duration', '2', '--max-in-flight', '10'];
    const one = await check(slow, [...args, '--workers', '1']);
    const two = await check(slow, [...args, '--workers', '2']);
    for (const { res, summary } of [one, two]) {
      expect(res.code, res.stderr).toBe(99);
      const t = summary.golive.thresholds.find((x) => x.metric === 'dropped_iterations{phase:load}');
      expect(t).toMatchObject({ expression: 'count<4', ok: false });
      expect(t?.message).toMatch(/^the target could not keep up: (7\d|8\d) % of arrivals found 10 requests already waiting/);
      expect(generator(summary)).toMatchObject({ passes: 1, fails: 0 });
    }
  });

  it('--workers on the closed model is a usage error (104) before any request', async () => {
    const res = await runCli(['check', '--target', fast.url, '--no-color', '--phases', 'load', '--requests', '10', '--workers', '2'], { env: { GOLIVE_TOKEN: TOKEN } });
    expect(res.code).toBe(104);
    expect(res.stderr.trim()).toBe('golive: --workers 2: only applies to the open model; add --rate R --duration S or --stages');
    const few = await runCli(['check', '--target', fast.url, '--no-color', '--phases', 'load', '--rate', '10', '--duration', '1', '--max-in-flight', '2', '--workers', '3'], { env: { GOLIVE_TOKEN: TOKEN } });
    expect(few.code).toBe(104);
    expect(few.stderr).toContain('expected --max-in-flight at least 3');
  });
});
