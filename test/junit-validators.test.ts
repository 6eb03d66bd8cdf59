/**
 * junit.xml as strict CI consumers take it (issue 26): every kind of report golive writes,
 * from real runs against the reference API, validated against Jenkins' xunit junit-10.xsd
 * with xmllint and read by junitparser, junit2json and test-results-parser, whose counts must
 * be golive's own, suite by suite. The kinds: passing, failing (with not-run bar rules and a
 * rollback trigger), aborted, health down (everything after it not run), declared checks
 * whose login failed, staged load, three runners merged as `golive k8s run` merges them,
 * a threshold golive's own lag voided, a run-level engine error, hostile strings.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validatePlan } from '../src/config/validate.js';
import type { RunResult } from '../src/core/result.js';
import { mergeRunnerResults } from '../src/k8s/merge.js';
import { mergedRunResult } from '../src/k8s/merged-report.js';
import { extractEmittedResult } from '../src/k8s/result-markers.js';
import { renderJunit } from '../src/reporters/junit.js';
import { abortedRun, failedRun, passedRun, recordRealRuns } from './fixtures/run-result.js';
import { expectJunitHolds, junitTools, testResultsParserRead, xsdErrors, type Counts } from './support/junit-validators.js';
import { ROOT, runCli, spawnReferenceApi } from './support/processes.js';

const TOKEN = 'junit-validators-token';
// What is judged here is the file, not whether a busy machine kept the open model's schedule.
const LENIENT = ['--max-schedule-lag', '2000'];
let tmp: string;
const written = new Map<string, string>();

async function cliRun(name: string, apiArgs: string[], cliArgs: string[], env: Record<string, string> = {}): Promise<{ code: number | null; log: string }> {
  const api = await spawnReferenceApi(TOKEN, apiArgs);
  try {
    const dir = join(tmp, name);
    const res = await runCli(['check', '--target', api.url, '--out', dir, '--no-color', ...cliArgs], { env: { GOLIVE_TOKEN: TOKEN, ...env }, deadlineMs: 120_000 });
    written.set(name, join(dir, 'junit.xml'));
    return { code: res.code, log: `${res.stderr}\n${res.stdout.split('\n').slice(-20).join('\n')}` };
  } finally {
    await api.stop();
  }
}

async function mergedRun(): Promise<RunResult> {
  const api = await spawnReferenceApi(TOKEN, []);
  try {
    const results = await Promise.all([0, 1, 2].map(async (i) => {
      const res = await runCli(['check', '--target', api.url, '--out', join(tmp, `runner-${i}`), '--no-color', '--phases', 'health,load', '--rate', '30', '--duration', '2', '--segment', `${i}/3`, '--emit-result', ...LENIENT], { env: { GOLIVE_TOKEN: TOKEN } });
      const got = extractEmittedResult(res.stdout);
      if (got.kind !== 'ok') throw new Error(`runner ${i}: ${got.kind}: ${res.stderr}`);
      return got.result;
    }));
    const plan = validatePlan({ target: 'http://127.0.0.1:1', phases: ['health', 'load'], load: { workload: { model: 'open', rate: 30, durationSeconds: 2 } } });
    return mergedRunResult({ plan, runId: 'merged-3', merged: mergeRunnerResults(plan, results), runners: results, version: 'test' });
  } finally {
    await api.stop();
  }
}

async function render(name: string, r: RunResult): Promise<void> {
  const file = join(tmp, `${name}.xml`);
  await writeFile(file, renderJunit(r));
  written.set(name, file);
}

const codes: Record<string, number | null> = {};

beforeAll(async () => {
  junitTools();
  tmp = await mkdtemp(join(tmpdir(), 'golive-junit-validators-'));
  await recordRealRuns();
  const cli = await Promise.all([
    cliRun('down', ['--down'], []),
    // the declared checks' login refused (wrong password): what needs its session is not run
    cliRun('declared', [], ['--config', join(ROOT, 'examples', 'golive.checks.yaml'), '--requests', '50', '--concurrency', '2'], { GOLIVE_TOKEN: 'not-the-token' }),
    cliRun('staged', [], ['--phases', 'health,load', '--stages', '2s:30:warm,2s:60:double', ...LENIENT]),
  ]);
  for (const [i, name] of ['down', 'declared', 'staged'].entries()) codes[name] = cli[i]?.code ?? null;
  await render('merged', await mergedRun());
  await render('passed', passedRun());
  await render('failed', failedRun());
  await render('aborted', abortedRun());
  const voided = failedRun();
  const broken = voided.golive.thresholds.find((t) => !t.ok);
  if (broken) broken.voided = 'not judged: golive fell 900 ms behind its schedule, which alone could break it';
  await render('voided', voided);
  const engineError = passedRun();
  engineError.golive.verdict = 'error';
  engineError.golive.error = 'k6 exited 107: <script> & "quoted" ]]>';
  await render('engine-error', engineError);
  const hostile = failedRun();
  const c = hostile.golive.checks.find((x) => x.fails > 0);
  if (c) { c.name = 'a "quoted" <name> & \u0000bell\u0007\uFFFE'; c.reasons = ['line1\nline2 ]]> <b>&amp;', '\uD800lone surrogate']; }
  hostile.golive.phases[0]!.status = 'error';
  hostile.golive.phases[0]!.reason = 'engine said <boom> & "quit"';
  await render('hostile', hostile);
}, 300_000);

describe('junit.xml against junit-10.xsd and three CI readers', () => {
  const totals: Record<string, Counts> = {};
  const suites: Record<string, string[]> = {};

  it('the CLI runs ended as intended', () => {
    expect(codes).toEqual({ down: 99, declared: 99, staged: 0 });
  });

  it.each(['passed', 'failed', 'aborted', 'down', 'declared', 'staged', 'merged', 'voided', 'engine-error', 'hostile'])('%s: valid, and every reader counts what golive counted', async (name) => {
    const file = written.get(name);
    expect(file).toBeDefined();
    const got = await expectJunitHolds(file as string);
    totals[name] = got.total;
    suites[name] = got.suites;
    expect(totals[name]?.tests).toBeGreaterThan(0);
  }, 60_000);

  it('the reports cover every outcome a reader must count', () => {
    const t = (name: string) => totals[name] ?? { tests: 0, failures: 0, errors: 0, skipped: 0 };
    expect(t('passed')).toMatchObject({ failures: 0, errors: 0, skipped: 0 });
    expect(t('failed').failures).toBeGreaterThanOrEqual(5);
    expect(t('failed').skipped).toBeGreaterThanOrEqual(4);
    expect(t('aborted').errors).toBe(1);
    expect(t('down').skipped).toBeGreaterThanOrEqual(2);
    expect(t('declared').skipped).toBeGreaterThanOrEqual(1);
    expect(t('voided').errors).toBe(1);
    expect(t('engine-error').errors).toBe(1);
    expect(suites['staged']).toEqual(expect.arrayContaining(['golive.stage.warm', 'golive.stage.double']));
    expect(suites['merged']).toEqual(['golive.health', 'golive.load']);
    expect(suites['engine-error']).toContain('golive.run');
    expect(suites['failed']).toContain('golive.rollback');
  });
});

describe('the validators can fail', () => {
  // The form the issue found: counts and timestamp on the root.
  const old = (root: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n  <testsuite name="s" tests="2" failures="0" errors="0" skipped="1" time="0.001">\n`
    + '    <testcase classname="c" name="ok" time="0.000"/>\n    <testcase classname="c" name="later" time="0.000">\n      <skipped message="not run"/>\n    </testcase>\n  </testsuite>\n</testsuites>\n';

  it('xmllint rejects skipped and timestamp on <testsuites>', async () => {
    const file = join(tmp, 'old-root.xml');
    await writeFile(file, old('<testsuites name="golive" tests="2" failures="0" errors="0" skipped="1" time="0.001" timestamp="2026-01-01T00:00:00Z">'));
    const errors = (await xsdErrors([file]))[file];
    expect(errors).toMatch(/Element 'testsuites', attribute 'skipped': The attribute 'skipped' is not allowed/);
    expect(errors).toMatch(/attribute 'timestamp': The attribute 'timestamp' is not allowed/);
  });

  it('the trap: a root with counts but no skipped makes test-results-parser count the skipped case as passed', async () => {
    const file = join(tmp, 'trap.xml');
    await writeFile(file, old('<testsuites name="golive" tests="2" failures="0" errors="0" time="0.001">'));
    expect((await xsdErrors([file]))[file]).toBe('');
    expect(testResultsParserRead(file).total).not.toEqual({ tests: 2, failures: 0, errors: 0, skipped: 1 });
    await expect(expectJunitHolds(file)).rejects.toThrow(/test-results-parser/);
  });
});
