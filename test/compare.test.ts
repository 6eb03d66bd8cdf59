/**
 * golive compare, check --baseline and golive report on real runs of the
 * reference API (dist/golive.js and dist/reference-api.js, each its own process).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRegressionLimits } from '../src/compare/limits.js';
import type { RunResult } from '../src/core/result.js';
import { runCli, spawnReferenceApi } from './support/processes.js';

const TOKEN = 'test-token-0123456789';
// Two in flight: the fixed server delay dominates, not CPU contention on a shared machine.

async function realRun(latency: string, extra: string[] = [], env: Record<string, string> = {}): Promise<{ dir: string; code: number; stdout: string; stderr: string }> {
  const api = await spawnReferenceApi(TOKEN, ['--latency', latency]);
  try {
    const dir = await mkdtemp(join(tmpdir(), 'golive-compare-'));
    const res = await runCli(['check', '--target', api.url, '--out', dir, '--no-color', '--requests', '200', '--concurrency', '2', ...extra], { env: { GOLIVE_TOKEN: TOKEN, ...env } });
    return { dir, code: res.code ?? -1, stdout: res.stdout, stderr: res.stderr };
  } finally {
    await api.stop();
  }
}

const summaryOf = async (dir: string): Promise<RunResult> => JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunResult;

describe('--max-regression', () => {
  it('parses limits and refuses nonsense with one line naming the flag', () => {
    expect(parseRegressionLimits('p(95)=+10%, http_req_failed=+0.5pp,http_reqs=-5%,max=+200ms')).toEqual([
      { metric: 'p(95)', unit: '%', amount: 10, text: '+10%' },
      { metric: 'http_req_failed', unit: 'pp', amount: 0.5, text: '+0.5pp' },
      { metric: 'http_reqs', unit: '%', amount: 5, text: '-5%' },
      { metric: 'max', unit: 'ms', amount: 200, text: '+200ms' },
    ]);
    expect(() => parseRegressionLimits('p(95)<500')).toThrow(/^--max-regression: expected METRIC=/);
    expect(() => parseRegressionLimits('p(95)=+1pp')).toThrow(/latency limit is in % or ms/);
    expect(() => parseRegressionLimits('vus=+1%')).toThrow(/unknown metric "vus"/);
    expect(() => parseRegressionLimits('http_reqs=+5%')).toThrow(/write -5%/);
  });
});

describe('compare two real runs (fixed:20 vs fixed:40)', () => {
  let fast: string;
  let slow: string;
  beforeAll(async () => {
    // The fixture, not the assertion, is repeated: on a shared machine a CPU stall can lift the
    // fast run's p95 past the slow one's. The tests below then check what compare makes of it.
    const p95 = async (dir: string) => (await summaryOf(dir)).metrics['http_req_duration{phase:load}']?.values['p(95)'] ?? NaN;
    for (let attempt = 1; ; attempt++) {
      fast = (await realRun('fixed:20')).dir;
      slow = (await realRun('fixed:40')).dir;
      if ((await p95(fast)) * 1.25 < (await p95(slow))) break;
      if (attempt === 4) throw new Error(`fixture: fixed:20 p95 ${await p95(fast)} ms is not clearly below fixed:40 p95 ${await p95(slow)} ms after 4 tries (machine overloaded?)`);
    }
  }, 240_000);

  it('names the p95 regression and exits 99', async () => {
    const res = await runCli(['compare', join(fast, 'summary.json'), join(slow, 'summary.json'), '--max-regression', 'p(95)=+10%']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(99);
    expect(res.stdout).toMatch(/^load\s+\*\s+p\(95\)\s+[\d.]+ms\s+[\d.]+ms\s+\+\d+\.\d%\s+\+10%\s+✗ regressed$/m);
    expect(res.stdout).toMatch(/^regression: load p\(95\) \+\d+\.\d% \(limit \+10%\)$/m);
  });

  it('exits 0 the other way round; without limits the defaults judge, and none is a report only', async () => {
    const better = await runCli(['compare', join(slow, 'summary.json'), join(fast, 'summary.json'), '--max-regression', 'p(95)=+10%']);
    expect(better.code).toBe(0);
    expect(better.stdout).toContain('no regression beyond p(95)=+10%');
    expect(better.stdout).toMatch(/^load\s+\*\s+p\(95\)\s.*\+10%\s+✓$/m);
    const plain = await runCli(['compare', join(fast, 'summary.json'), join(slow, 'summary.json')]);
    expect(plain.code).toBe(99);
    expect(plain.stdout).toMatch(/^load\s+\*\s+p\(95\)\s.*\+10%\s+✗ regressed$/m);
    const report = await runCli(['compare', join(fast, 'summary.json'), join(slow, 'summary.json'), '--max-regression', 'none']);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/^load\s+\*\s+p\(95\)/m);
    expect(report.stdout.trim().split('\n').pop()).toBe('not judged: --max-regression none, a report only');
  });

  it('refuses a file that is not a summary with 104 and one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'golive-compare-'));
    await writeFile(join(dir, 'x.json'), '{"golive": {"runId": 3}}');
    const res = await runCli(['compare', join(dir, 'x.json'), join(slow, 'summary.json')]);
    expect(res.code).toBe(104);
    expect(res.stderr).toMatch(/^golive: baseline \S+x\.json: not a golive summary\.json: metrics: .*\n$/);
    const missing = await runCli(['compare', join(dir, 'nope.json'), join(slow, 'summary.json')]);
    expect(missing.stderr).toMatch(/^golive: baseline \S+nope\.json: cannot read: no such file\n$/);
  });

  it('check --baseline gates on the regression in every report and the exit code', async () => {
    const md = join(await mkdtemp(join(tmpdir(), 'golive-md-')), 'summary.md');
    const gh = join(await mkdtemp(join(tmpdir(), 'golive-gh-')), 'step-summary.md');
    await writeFile(gh, 'earlier step\n');
    const run = await realRun('fixed:40', ['--baseline', join(fast, 'summary.json'), '--max-regression', 'p(95)=+10%,http_req_failed=+0.5pp', '--summary-md', md], { GITHUB_STEP_SUMMARY: gh });
    expect(run.code).toBe(99);
    expect(run.stdout).toMatch(/✗\s+http_req_duration\{phase:load\}\s+p\(95\) vs baseline \+10%/);
    const s = await summaryOf(run.dir);
    expect(s.golive.verdict).toBe('failed');
    expect(s.golive.baseline?.rows.find((r) => r.phase === 'load' && r.endpoint === '*' && r.metric === 'p(95)')?.regressed).toBe(true);
    expect(await readFile(join(run.dir, 'junit.xml'), 'utf8')).toMatch(/<failure[^>]*p\(95\) \+\d+\.\d% vs baseline/);
    const html = await readFile(join(run.dir, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Compared with the baseline</h2>');
    expect(html).toMatch(/class="series baseline-p95"/);
    expect(html).toMatch(/class="series baseline-dist baseline-dist-load"/);
    const text = await readFile(md, 'utf8');
    expect(text).toMatch(/^### ❌ golive FAILED \(exit 99\)/);
    expect(text).toMatch(/\| load \| \\\* \| p\(95\) \| \+\d+\.\d% \| \+10% \|/);
    expect(text).not.toMatch(/https?:\/\//);
    expect(await readFile(gh, 'utf8')).toBe(`earlier step\n${text}`);
  });

  it('golive report re-renders report.html from a summary, with a baseline overlay', async () => {
    const out = await mkdtemp(join(tmpdir(), 'golive-rerender-'));
    const res = await runCli(['report', join(slow, 'summary.json'), '--out', out, '--baseline', join(fast, 'summary.json'), '--max-regression', 'p(95)=+10%']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/<svg [^>]*class="chart latency-over-time"/);
    expect(html).toMatch(/class="series baseline-p95"/);
    expect(html).toMatch(/<tr><td class="bad">✗<\/td><td>load<\/td><td>\*<\/td><td>p\(95\)<\/td>/);
    const bad = await runCli(['report', join(slow, 'summary.json')]);
    expect(bad.code).toBe(104);
    expect(bad.stderr).toMatch(/^golive: --out: expected the directory/);
  });
});

describe('compare with the default limits (issue 28)', () => {
  /** An open-model run: the throughput is the asked rate, the latency the server's fixed 20 ms. */
  async function openRun(rate: number, phases = 'health,load'): Promise<string> {
    const api = await spawnReferenceApi(TOKEN, ['--latency', 'fixed:20']);
    try {
      const dir = await mkdtemp(join(tmpdir(), 'golive-compare-open-'));
      // A generous lag limit: a busy machine must not void the fixture (the summary is written either way).
      await runCli(['check', '--target', api.url, '--out', dir, '--phases', phases, '--rate', String(rate), '--duration', '2', '--max-schedule-lag', '1000'], { env: { GOLIVE_TOKEN: TOKEN } });
      return dir;
    } finally {
      await api.stop();
    }
  }

  it('catches a 60 % throughput drop without --max-regression, and says which default judged it', async () => {
    const base = await openRun(50);
    const cur = await openRun(20);
    const res = await runCli(['compare', join(base, 'summary.json'), join(cur, 'summary.json')]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(99);
    expect(res.stdout).toMatch(/^load\s+\*\s+http_reqs\s+[\d.]+\/s\s+[\d.]+\/s\s+-(5\d|6\d)\.\d%\s+-20%\s+✗ regressed$/m);
    expect(res.stdout).toMatch(/^regression: load http_reqs -(5\d|6\d)\.\d% \(limit -20%\)$/m);
    // the other judged rows of the load phase carry a mark too
    expect(res.stdout).toMatch(/^load\s+\*\s+http_req_failed\s.*\+0\.5pp\s+✓$/m);
    const none = await runCli(['compare', join(base, 'summary.json'), join(cur, 'summary.json'), '--max-regression', 'none']);
    expect(none.code).toBe(0);
    expect(none.stdout.trim().split('\n').pop()).toBe('not judged: --max-regression none, a report only');
  }, 120_000);

  it('refuses (99) a new run that lacks the load phase the baseline was judged on', async () => {
    const base = await openRun(30);
    const cur = await openRun(30, 'health');
    const res = await runCli(['compare', join(base, 'summary.json'), join(cur, 'summary.json')]);
    expect(res.code).toBe(99);
    expect(res.stdout).toMatch(/^load\s+\*\s+p\(95\)\s.*✗ not in this run$/m);
    expect(res.stdout).toContain("not comparable: the baseline's load p(95) (limit +10%) has no counterpart in this run");
    expect(res.stdout).not.toMatch(/no regression/);
  }, 120_000);
});
