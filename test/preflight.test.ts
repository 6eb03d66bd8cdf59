/** Plan checks that run before the first request (issue 12 items 2 and 3). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFileLimit } from '../src/config/fd-limit.js';
import { badHeaderChar, checkFdBudget, checkThresholdMetrics, closestName, NODE_METRICS } from '../src/config/preflight.js';
import { validatePlan } from '../src/config/validate.js';
import { ensureDir, probeOutDir } from '../src/core/out-dir.js';

describe('header secrets', () => {
  it('finds control, C1 and non-Latin-1 characters; plain tokens pass', () => {
    expect(badHeaderChar('abc.DEF-123_~+/=')).toBe(-1);
    expect(badHeaderChar('ab\ncd')).toBe(2);
    expect(badHeaderChar('ab\u0085')).toBe(2);
    expect(badHeaderChar('a\u20ac')).toBe(1);
  });

  it('the plan trims the token and refuses one that is still no header value, without quoting it', () => {
    expect(validatePlan({ target: 'http://127.0.0.1:1', token: ' tok-1\n' }).token).toBe('tok-1');
    expect(() => validatePlan({ target: 'http://127.0.0.1:1', token: 'secret-abc\rdef' })).toThrow(/character 11 of 14 is U\+000D/);
    try {
      validatePlan({ target: 'http://127.0.0.1:1', token: 'secret-abc\rdef' });
    } catch (err) {
      expect(String(err)).not.toContain('secret-abc');
    }
  });
});

describe('upper bounds', () => {
  const base = { target: 'http://127.0.0.1:1', phases: ['health' as const] };
  it.each([
    [{ requestTimeoutMs: 3_000_000_000 }, /requestTimeoutMs \(--timeout\): above 2147483647 ms/],
    [{ deadlineSeconds: 3_000_000 }, /deadlineSeconds \(--deadline\): the deadline above 2147483 s/],
    [{ maxBodyBytes: 2 ** 40 }, /maxBodyBytes \(--max-body-bytes\)/],
    [{ load: { workload: { model: 'closed', requests: 1e12 } } }, /load\.workload\.requests/],
    [{ load: { workload: { model: 'staged', stages: [{ durationSeconds: 3e9, target: 1 }] } } }, /stages\.0\.durationSeconds \(--stages\): above Node's timer range/],
    [{ load: { workload: { model: 'open', rate: 1e9, durationSeconds: 1 } } }, /load\.workload\.rate .*above 1000000 requests\/s/],
  ])('%j is refused in one line', (extra, want) => {
    expect(() => validatePlan({ ...base, ...extra })).toThrow(want);
  });
});

describe('threshold metric names', () => {
  it('suggests the closest known name', () => {
    expect(closestName('http_req_duraton', NODE_METRICS)).toBe('http_req_duration');
    expect(closestName('zzzzzz', NODE_METRICS)).toBeUndefined();
    expect(() => checkThresholdMetrics(['http_req_duraton{phase:load}'], 'node')).toThrow(/did you mean "http_req_duration"/);
    expect(() => checkThresholdMetrics(['http_req_duration{phase:load}', 'checks'], 'node')).not.toThrow();
  });

  it('a k6-only metric is refused under the node engine and accepted under k6', () => {
    expect(() => checkThresholdMetrics(['http_req_blocked'], 'node')).toThrow(/measured only by --engine k6/);
    expect(() => checkThresholdMetrics(['golive_schedule_lag{phase:load}'], 'node')).not.toThrow();
    expect(() => checkThresholdMetrics(['golive_schedule_lag'], 'k6')).toThrow(/"golive_schedule_lag" \(--threshold\) is measured only by --engine node/);
    expect(() => checkThresholdMetrics(['http_req_blocked'], 'k6')).not.toThrow();
  });
});

describe('file descriptor budget', () => {
  const closed = (concurrency: number, requests = 1000) => ({ model: 'closed' as const, concurrency, requests });
  it('refuses connections beyond ulimit -n minus the reserve, only when load runs', () => {
    expect(() => checkFdBudget({ phases: ['load'] }, closed(400), 150)).toThrow(/--concurrency: 400 connections need 464/);
    expect(() => checkFdBudget({ phases: ['load'] }, closed(86), 150)).not.toThrow();
    expect(() => checkFdBudget({ phases: ['health'] }, closed(400), 150)).not.toThrow();
    expect(() => checkFdBudget({ phases: ['load'] }, closed(400, 10), 150)).not.toThrow();
    expect(() => checkFdBudget({ phases: ['load'] }, { model: 'open', rate: 1, durationSeconds: 1, maxInFlight: 1000 }, 150)).toThrow(/--max-in-flight/);
    expect(() => checkFdBudget({ phases: ['load'] }, closed(400), undefined)).not.toThrow();
  });

  it('reads the soft limit from /proc/self/limits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-limits-'));
    try {
      const f = join(dir, 'limits');
      writeFileSync(f, 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            150                  4096                 files\n');
      expect(openFileLimit(f)).toBe(150);
      expect(openFileLimit(join(dir, 'missing'))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the reports directory', () => {
  it('is created level by level and probed; a file in the way or /proc is one clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-out-'));
    try {
      await probeOutDir(join(dir, 'a', 'b'));
      writeFileSync(join(dir, 'file'), 'x');
      await expect(ensureDir(join(dir, 'file', 'sub'))).rejects.toThrow(/file exists and is not a directory/);
      await expect(probeOutDir('/proc/golive-x/y')).rejects.toThrow(/cannot create \/proc\/golive-x: E[A-Z]+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
