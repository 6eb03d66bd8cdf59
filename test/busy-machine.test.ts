/**
 * Verdicts that hold on a busy machine (issue 20): every case runs on the
 * machine as it is, then again beside a CPU hog on every core (stress-ng),
 * and must give the verdict the target deserves (0 or 99) both times. The
 * only exception is a load golive truly could not send, which is 107 with
 * the generator named as the cause; never 99 for our lag, never a pass on
 * load not sent. In the `timing` project: nothing else runs beside it.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import { startCpuHog, type CpuHog } from './support/cpu-hog.js';
import { runCli, spawnReferenceApi } from './support/processes.js';
import { startNginx } from '../scripts/bench/targets.js';

const TOKEN = 'test-token-busy-machine-01';
const BEHIND = /^the load generator fell behind/;
const OURS = /^golive's own lag could account for a failing threshold: /;

interface Case {
  name: string;
  /** the reference API's fault flags, or nginx serving /health (the fast target) */
  api: string[] | 'nginx';
  cli: string[];
  /** the verdict the target deserves */
  exit: 0 | 99;
  /**
   * golive may truly be unable to send this load on a 2-core machine beside the hog (measured: a
   * schedule-lag p90 of 255 ms at 200 req/s with 120 in flight): 107 naming the generator is then right
   */
  mayBeBehind?: boolean;
  /** more of what the verdict must rest on */
  check?: (s: RunResult) => void;
  config?: unknown;
}

const byKey = (s: RunResult, metric: string, expression: string) => s.golive.thresholds.find((t) => t.metric === metric && t.expression === expression);

const CASES: Case[] = [
  {
    name: 'staged 1x/2x against a saturating target',
    // capacity 25/s: the baseline (20/s) is under it, 2x (40/s) is 60 % over it: +600 ms
    api: ['--saturate', '25'],
    cli: ['--phases', 'health,load', '--profile', '2x-baseline', '--baseline-rps', '20'],
    config: { profile: { name: '2x-baseline', warmupSeconds: 4, rampSeconds: 2, holdSeconds: 4 } },
    exit: 99,
    check: (s) => {
      const base = byKey(s, 'http_req_duration{stage:baseline}', 'p(95)<500');
      // the baseline is under capacity: it passes, or golive's own lag voided it; never a failure on the target
      expect(base?.ok === true || base?.voided !== undefined, `baseline ${base?.message ?? ''}; ${evidence(s)}`).toBe(true);
      const peak = byKey(s, 'http_req_duration{stage:2x}', 'p(95)<500');
      expect(peak).toMatchObject({ ok: false });
      expect(peak?.voided).toBeUndefined();
    },
  },
  {
    name: 'a one-second stall, judged over 1 s windows',
    // one stall at the 250th of 500 arrivals (5 s into the load): about 50 requests wait up to a second
    api: ['--latency', 'stall:1000/250'],
    cli: ['--phases', 'load', '--rate', '50', '--duration', '10', '--threshold', 'http_req_duration{phase:load}=p(95)<500 over 1s'],
    exit: 99,
    check: (s) => {
      const w = byKey(s, 'http_req_duration{phase:load}', 'p(95)<500 over 1s');
      expect(w).toMatchObject({ ok: false });
      expect(w?.voided).toBeUndefined();
      expect(w?.actual).toBeGreaterThan(500);
    },
  },
  ...([[20, 5], [200, 4], [2000, 3]] as const).flatMap(([rate, seconds]): Case[] => [
    {
      name: `${rate} req/s against a fast target (nginx)`,
      api: 'nginx',
      cli: ['--phases', 'load', '--rate', String(rate), '--duration', String(seconds)],
      exit: 0,
      mayBeBehind: rate >= 200,
      check: (s) => { expect(byKey(s, 'dropped_iterations{phase:load}', `count<${(rate * seconds) / 100}`)?.ok).toBe(true); },
    },
    {
      name: `${rate} req/s against a slow target (600 ms)`,
      api: ['--latency', 'fixed:600'],
      cli: ['--phases', 'load', '--rate', String(rate), '--duration', String(seconds)],
      exit: 99,
      mayBeBehind: rate >= 200,
      check: (s) => {
        const p95 = byKey(s, 'http_req_duration{phase:load}', 'p(95)<500');
        expect(p95).toMatchObject({ ok: false });
        expect(p95?.voided).toBeUndefined();
      },
    },
  ]),
];

interface Row { name: string; quiet: string; busy: string }
const rows: Row[] = [];
let api: { stop(): Promise<void> } | undefined;
let hog: CpuHog | undefined;

afterEach(async () => {
  await hog?.stop();
  hog = undefined;
  await api?.stop();
  api = undefined;
});

afterAll(() => {
  // The matrix, for the record (issue 20's closing note).
  const w = Math.max(...rows.map((r) => r.name.length));
  console.log(['busy-machine verdicts (quiet | beside stress-ng on every core):', ...rows.map((r) => `  ${r.name.padEnd(w)}  ${r.quiet.padEnd(28)}  ${r.busy}`)].join('\n'));
});

/**
 * The target runs on this machine too, where a real one would not: every
 * thread of it gets the highest priority (root may renice), so that the hog,
 * and whatever else shares the machine (measured: load average 22 on 2
 * cores), starve golive, not the target whose verdict is judged. Nice is per
 * thread on Linux: renicing the pid alone leaves the others at 0.
 */
async function favour(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  const threads = await readdir(`/proc/${pid}/task`).catch(() => [String(pid)]);
  for (const tid of threads) {
    try {
      setPriority(Number(tid), -20);
    } catch {
      // not root: the target competes with the hog too, and its latency is then really its own
    }
  }
}

async function startTarget(c: Case): Promise<string> {
  if (c.api === 'nginx') {
    const svc = await startNginx('nginx');
    api = svc;
    await favour(svc.pid);
    return `http://127.0.0.1:${svc.port}`;
  }
  const ref = await spawnReferenceApi(TOKEN, c.api);
  api = ref;
  await favour(ref.child.pid);
  return ref.url;
}

async function runCase(c: Case): Promise<{ code: number | null; s: RunResult; stderr: string }> {
  const url = await startTarget(c);
  const dir = await mkdtemp(join(tmpdir(), 'golive-busy-'));
  const extra: string[] = [];
  if (c.config !== undefined) {
    const file = join(dir, 'golive.config.json');
    await writeFile(file, JSON.stringify(c.config));
    extra.push('--config', file);
  }
  const res = await runCli(['check', '--target', url, '--out', dir, '--no-color', ...extra, ...c.cli], { env: { GOLIVE_TOKEN: TOKEN }, deadlineMs: 90_000 });
  const text = await readFile(join(dir, 'summary.json'), 'utf8').catch(() => { throw new Error(`no summary.json: exit ${res.code}: ${res.stderr}`); });
  await api?.stop();
  api = undefined;
  return { code: res.code, s: JSON.parse(text) as RunResult, stderr: res.stderr };
}

/** What a verdict rested on, for the failure message: the target's own part, golive's loop, CPU and lag. */
function evidence(s: RunResult): string {
  const pick = (key: string, agg: string): string => {
    const v = s.metrics[key]?.values[agg];
    return typeof v === 'number' ? v.toFixed(1) : '-';
  };
  return [
    `target's own part p(95) ${pick('golive_target_duration', 'p(95)')} ms`,
    `proven target's part p(95) ${pick('golive_target_floor', 'p(95)')} ms`,
    `loop delay p99 ${pick('golive_event_loop_delay_p99', 'value')} ms, max ${pick('golive_event_loop_delay_max', 'value')} ms`,
    `golive CPU used ${pick('golive_cpu_busy', 'value')}, waited ${pick('golive_cpu_wait', 'value')}`,
    `schedule lag p(99) ${pick('golive_schedule_lag', 'p(99)')} ms`,
  ].join('; ');
}

/** The verdict, or 107 only when golive truly could not send the load, with that cause. */
function expectDeserved(c: Case, leg: 'quiet' | 'busy', r: { code: number | null; s: RunResult; stderr: string }): string {
  const load = r.s.golive.phases.find((p) => p.name === 'load');
  if (r.code === 107 && c.mayBeBehind === true) {
    // golive could not send the load (rate short), or could not read it fast enough to judge it (its CPU saturated)
    const why = load?.status === 'error' ? load.reason ?? '' : r.s.golive.error ?? '';
    expect(why).toMatch(load?.status === 'error' ? BEHIND : OURS);
    return `107 (${load?.status === 'error' ? `generator behind: ${why.replace(BEHIND, '').replace(/^: /, '').replace(/;.*$/, '')}` : `golive's lag: ${/, but (.{0,60})/.exec(why)?.[1] ?? ''}…`})`;
  }
  const failed = r.s.golive.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expression}: ${t.voided ?? t.message}`);
  expect({ exit: r.code, error: r.s.golive.error }, [leg, ...failed, evidence(r.s)].join('\n')).toEqual({ exit: c.exit, error: undefined });
  c.check?.(r.s);
  const gen = r.s.golive.checks.find((x) => x.name === 'load generator kept up');
  expect(gen?.fails).toBe(0);
  return String(r.code);
}

describe('the same verdict on a busy machine', () => {
  it.each(CASES)('$name', async (c) => {
    const row: Row = { name: c.name, quiet: '', busy: '' };
    rows.push(row);
    row.quiet = expectDeserved(c, 'quiet', await runCase(c));
    hog = await startCpuHog(120);
    row.busy = expectDeserved(c, 'busy', await runCase(c));
  }, 240_000);
});
