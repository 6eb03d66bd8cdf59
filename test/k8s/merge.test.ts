// Merging runner results: histograms merge (never averaged percentiles), thresholds are
// judged again over the whole run, and the log hand-off survives surrounding noise.
import { describe, expect, it } from 'vitest';
import { GoliveError } from '../../src/core/errors.js';
import { MetricStore } from '../../src/core/metrics.js';
import type { RunResult } from '../../src/core/result.js';
import { planSchema } from '../../src/contract/plan.js';
import { k8sError, missingPermission } from '../../src/net/k8s-api-errors.js';
import { decideK8sVerdict } from '../../src/k8s/k8s-verdict.js';
import { mergeRunnerResults } from '../../src/k8s/merge.js';
import { extractEmittedResult, formatEmittedResult } from '../../src/k8s/result-markers.js';

const plan = planSchema.parse({ target: 'http://t:1', phases: ['load'], load: { workload: { model: 'closed', requests: 300, concurrency: 3 } } });

function runnerResult(latencies: number[], failed = 0): RunResult {
  const store = new MetricStore();
  latencies.forEach((ms, i) => {
    const tags = { phase: 'load', name: 'GET /health' };
    store.add('http_req_duration', ms, tags);
    store.add('http_req_failed', i < failed ? 1 : 0, tags);
    store.add('http_reqs', 1, tags);
  });
  return {
    root_group: { name: '', path: '', id: '', groups: [], checks: [] },
    options: { summaryTrendStats: [], summaryTimeUnit: 'ms', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 1000 },
    metrics: {},
    golive: {
      version: '0', runId: 'r', testid: 'r', engine: 'node', target: 'http://t:1', startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: '2025-01-01T00:00:01.000Z', durationMs: 1000, verdict: 'passed', exitCode: 0,
      phases: [{ name: 'load', status: 'passed', durationMs: 1000 }], checks: [], thresholds: [],
      rollback: { triggered: false, reasons: [] }, deliveries: [], series: store.toJSON(),
    },
  };
}

describe('mergeRunnerResults', () => {
  it('merged p95 equals the p95 over all samples, not the mean of the runners\' p95s', () => {
    const a = Array.from({ length: 100 }, () => 10);
    const b = Array.from({ length: 100 }, () => 20);
    const c = Array.from({ length: 100 }, (_, i) => (i < 50 ? 30 : 900));
    const merged = mergeRunnerResults(plan, [runnerResult(a), runnerResult(b), runnerResult(c)]);
    const all = new MetricStore();
    for (const v of [...a, ...b, ...c]) all.add('http_req_duration', v);
    const p95 = merged.store.select('http_req_duration', { phase: 'load' })?.value('p(95)');
    expect(p95).toBe(all.select('http_req_duration')?.value('p(95)'));
    expect(p95).toBeCloseTo(900, -1);
    const byExpr = Object.fromEntries(merged.thresholds.map((t) => [`${t.metric} ${t.expression}`, t.ok]));
    // Each runner alone sent 100 < 300; together they completed the run.
    expect(byExpr['http_reqs{phase:load} count>=300']).toBe(true);
    expect(byExpr['http_req_duration{phase:load} p(95)<500']).toBe(false);
    expect(merged.exitCode).toBe(99);
  });

  it('judges only the thresholds of phases that ran, like each runner does (health failed, load skipped)', () => {
    const withHealth = planSchema.parse({ target: 'http://t:1', phases: ['health', 'load'], load: { workload: { model: 'closed', requests: 300, concurrency: 3 } } });
    const skipped = (): RunResult => {
      const r = runnerResult([]);
      const store = new MetricStore();
      store.add('checks', 0, { phase: 'health', check: 'GET /health status is 200' });
      store.add('http_req_duration', 5, { phase: 'health', name: '/health' });
      r.golive.series = store.toJSON();
      r.golive.phases = [{ name: 'health', status: 'failed', durationMs: 5 }, { name: 'load', status: 'skipped', reason: 'skipped because health failed', durationMs: 0 }];
      return r;
    };
    const merged = mergeRunnerResults(withHealth, [skipped(), skipped()]);
    expect(merged.thresholds.map((t) => t.metric)).toEqual(['http_req_duration{phase:health}', 'checks{phase:health}']);
    expect(merged.thresholds.filter((t) => t.message.startsWith('no samples'))).toEqual([]);
    expect(merged.exitCode).toBe(99);
  });

  it('passes when the merged numbers pass', () => {
    const ok = Array.from({ length: 100 }, () => 12);
    expect(mergeRunnerResults(plan, [runnerResult(ok), runnerResult(ok), runnerResult(ok)]).exitCode).toBe(0);
  });
});

describe('result hand-off through the log', () => {
  it('round-trips between other output, last block wins', () => {
    const r = runnerResult([5, 6, 7]);
    const logs = `starting\n${formatEmittedResult(runnerResult([1]))}noise\n${formatEmittedResult(r)}bye\n`;
    const got = extractEmittedResult(logs);
    expect(got.kind).toBe('ok');
    if (got.kind === 'ok') expect(got.result.golive.series).toEqual(r.golive.series);
    expect(extractEmittedResult('nothing here').kind).toBe('missing');
    expect(extractEmittedResult('---GOLIVE-RESULT-BEGIN---\n{oops\n---GOLIVE-RESULT-END---').kind).toBe('invalid');
  });
});

describe('decideK8sVerdict without every result', () => {
  const runner = (index: number, exitCode?: number) => ({ index, pod: `p-${index}`, ...(exitCode !== undefined ? { exitCode } : {}) });
  it.each([
    [[0, 99, undefined], 99],
    [[0, 0, 0], 0],
    [[104, 0], 104],
  ])('exit codes %j -> %i', (codes, want) => {
    const job = want === 0 ? { kind: 'complete' as const } : { kind: 'failed' as const, reason: 'PodFailurePolicy', message: '' };
    expect(decideK8sVerdict(plan, 'j', job, codes.map((c, i) => runner(i, c))).exitCode).toBe(want);
  });
  it('a Job that failed without a verdict is a k8s error naming the reason', () => {
    expect(() => decideK8sVerdict(plan, 'j', { kind: 'failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' }, [runner(0)]))
      .toThrow(/Job j failed without a verdict \(DeadlineExceeded/);
  });
  it('a runner killed for its memory limit is named OOMKilled, an infrastructure error and not a failed gate', () => {
    const job = { kind: 'failed' as const, reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    expect(() => decideK8sVerdict(plan, 'j', job, [{ ...runner(0, 137), reason: 'OOMKilled' }, { ...runner(1, 0), reason: 'Completed' }]))
      .toThrow('Job j failed without a verdict (BackoffLimitExceeded: Job has reached the specified backoff limit; runner exit codes 0=137 OOMKilled, 1=0; runner 0 OOMKilled: over its memory limit, raise --runner-memory)');
  });
});

describe('k8sError', () => {
  it('names the missing permission of a 403', () => {
    const body = JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden', details: { group: 'batch', kind: 'jobs' },
      message: 'jobs.batch is forbidden: User "system:serviceaccount:ns:golive" cannot create resource "jobs" in API group "batch" in the namespace "ns"' });
    const e = k8sError({ code: 403, body }, 'create Job golive-x in ns');
    expect(e).toBeInstanceOf(GoliveError);
    expect(e.code).toBe('GOLIVE_K8S_ERROR');
    expect(e.message).toBe('cannot create Job golive-x in ns: forbidden, system:serviceaccount:ns:golive lacks permission "create" on "jobs.batch" in namespace ns (grant it in the Role golive-orchestrator, see docs/kubernetes.md, "RBAC: two identities")');
    expect(missingPermission('User "u" cannot list resource "pods" in API group "" at the cluster scope')).toMatchObject({ verb: 'list', resource: 'pods', group: '' });
  });
  it('says when the API server is unreachable, on one line', () => {
    const err = Object.assign(new Error('request to https://127.0.0.1:1/x failed, reason: connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const e = k8sError(err, 'read Job j in ns', 'https://127.0.0.1:1');
    expect(e.message).toBe('cannot read Job j in ns: Kubernetes API server https://127.0.0.1:1 unreachable (ECONNREFUSED); check the kubeconfig\'s server and that the cluster is up');
  });
  it('names the object of a 409', () => {
    const body = JSON.stringify({ reason: 'AlreadyExists', details: { kind: 'jobs', name: 'golive-x' } });
    expect(k8sError({ code: 409, body }, 'create Job golive-x in ns').message).toBe('cannot create Job golive-x in ns: conflict, jobs golive-x already exists');
  });
});
