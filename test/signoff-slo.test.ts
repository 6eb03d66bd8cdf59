/**
 * SLOs as code, both ways, against a real Prometheus holding a clean launch
 * and one with a 3-hour outage: the runbook's SLOs exported as OpenSLO are
 * read back by `--slo` with the same verdicts; a hand-written ratio SLO
 * (Occurrences and Timeslices) and `signoff.queries` are judged; the Sloth
 * export's queries are valid PromQL that return data.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { SignoffReport } from '../src/signoff/types.js';
import { runCli } from './support/processes.js';
import type { Server } from './support/prometheus.js';
import { startWithHistory } from './support/signoff-history.js';

const HOUR = 3600;
const startS = Math.floor(Date.now() / 1000 / HOUR) * HOUR - 26 * HOUR;
const since = new Date(startS * 1000).toISOString();
let prom: Server;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'golive-slo-'));
  prom = await startWithHistory([
    { startS, hours: 24, environment: 'clean' },
    { startS, hours: 24, environment: 'outage', healthFailHours: [10, 11, 12] },
  ]);
}, 240_000);
afterAll(async () => {
  await prom?.stop();
});

async function signoff(environment: string, extra: string[]): Promise<{ code: number | null; report: SignoffReport; log: string }> {
  const out = await mkdtemp(join(dir, 'out-'));
  const res = await runCli(['signoff', '--prometheus-url', prom.url, '--since', since, '--environment', environment, '--out', out, ...extra], { deadlineMs: 120_000 });
  return { code: res.code, report: JSON.parse(await readFile(join(out, 'signoff.json'), 'utf8')) as SignoffReport, log: res.stderr + res.stdout };
}

describe('golive slo export', () => {
  it('emits the runbook\'s SLOs as OpenSLO v1, read back by --slo with the same verdicts', async () => {
    const res = await runCli(['slo', 'export', '--environment', 'clean']);
    expect(res.code, res.stderr).toBe(0);
    const docs = YAML.parseAllDocuments(res.stdout).map((d) => d.toJS() as { apiVersion: string; kind: string; spec: { objectives?: { target: number; value: number }[] } });
    expect(docs.map((d) => `${d.apiVersion} ${d.kind}`)).toEqual(['openslo/v1 Service', 'openslo/v1 SLO', 'openslo/v1 SLO', 'openslo/v1 SLO']);
    expect(docs.slice(1).map((d) => [d.spec.objectives?.[0]?.value, d.spec.objectives?.[0]?.target])).toEqual([[1, 0.995], [0.5, 0.99], [0.01, 0.99]]);
    const file = join(dir, 'clean.openslo.yaml');
    await writeFile(file, res.stdout);
    const clean = await signoff('clean', ['--slo', file]);
    expect(clean.code, clean.log).toBe(0);
    expect(clean.report.source).toContain('OpenSLO');
    expect(clean.report.criteria.map((c) => c.status)).toEqual(['passed', 'passed', 'passed']);

    const out = await runCli(['slo', 'export', '--environment', 'outage']);
    await writeFile(join(dir, 'outage.openslo.yaml'), out.stdout);
    const outage = await signoff('outage', ['--slo', join(dir, 'outage.openslo.yaml')]);
    expect(outage.code, outage.log).toBe(99);
    expect(outage.report.criteria.map((c) => c.status)).toEqual(['failed', 'passed', 'passed']);
    expect(outage.report.criteria[0]?.value).toBeCloseTo(21 / 24, 2);
  });

  it('emits Sloth prometheus/v1 whose queries Prometheus accepts and answers', async () => {
    const res = await runCli(['slo', 'export', '--format', 'sloth', '--environment', 'outage']);
    expect(res.code, res.stderr).toBe(0);
    const doc = YAML.parse(res.stdout) as { version: string; slos: { name: string; objective: number; sli: { events: { error_query: string; total_query: string } } }[] };
    expect(doc.version).toBe('prometheus/v1');
    expect(doc.slos.map((s) => [s.name, s.objective])).toEqual([['golive-availability', 99.5], ['golive-latency-p95', 99], ['golive-error-rate', 99]]);
    const at = (q: string) => `${q.split('{{.window}}').join('24h')}`;
    const end = startS + 24 * HOUR;
    const ask = async (q: string) => {
      const res = await fetch(`${prom.url}/api/v1/query?${new URLSearchParams({ query: at(q), time: String(end) })}`, { signal: AbortSignal.timeout(10_000) });
      const body = await res.json() as { status: string; error?: string; data: { result: { value: [number, string] }[] } };
      expect(body.status, body.error).toBe('success');
      return Number(body.data.result[0]?.value[1]);
    };
    const avail = doc.slos[0];
    // 180 minutes down of the 24 h: the error ratio Sloth would burn from
    expect(await ask(avail?.sli.events.error_query ?? '') / await ask(avail?.sli.events.total_query ?? '')).toBeCloseTo(3 / 24, 2);
    expect(await ask(doc.slos[1]?.sli.events.error_query ?? '')).toBe(0);
  });
});

describe('golive signoff --slo and signoff.queries', () => {
  const ratioSlo = (budgeting: string) => YAML.stringify({
    apiVersion: 'openslo/v1', kind: 'SLO', metadata: { name: 'runs-pass', displayName: 'Runs pass' },
    spec: {
      budgetingMethod: budgeting,
      indicator: { metadata: { name: 'runs-pass-sli' }, spec: { ratioMetric: {
        counter: false,
        good: { metricSource: { type: 'Prometheus', spec: { query: 'max(golive_run_success{environment="outage"})' } } },
        total: { metricSource: { type: 'Prometheus', spec: { query: 'count(golive_run_success{environment="outage"})' } } },
      } } },
      objectives: [{ target: 0.99, ...(budgeting === 'Timeslices' ? { timeSliceTarget: 1, timeSliceWindow: '5m' } : {}) }],
    },
  });

  it.each(['Occurrences', 'Timeslices'])('judges a ratio SLO with %s budgeting', async (budgeting) => {
    const file = join(dir, `ratio-${budgeting}.yaml`);
    await writeFile(file, ratioSlo(budgeting));
    const r = await signoff('outage', ['--slo', file]);
    expect(r.code, r.log).toBe(99);
    expect(r.report.criteria).toHaveLength(1);
    expect(r.report.criteria[0]?.status).toBe('failed');
    expect(r.report.criteria[0]?.value).toBeCloseTo(21 / 24, 2);
  });

  it('refuses an SLO without objectives: one 104 line naming the field', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, ratioSlo('Occurrences').replace(/objectives:[\s\S]*$/, 'objectives: []\n'));
    const res = await runCli(['signoff', '--prometheus-url', prom.url, '--since', since, '--slo', file]);
    expect(res.code).toBe(104);
    expect(res.stderr.trim()).toMatch(/^golive: --slo .*bad\.yaml: document 1 \(SLO\): spec\.objectives: /);
  });

  it('adds the service\'s own signoff.queries to the runbook\'s criteria', async () => {
    const config = join(dir, 'golive.config.json');
    await writeFile(config, JSON.stringify({ signoff: { queries: [
      { name: 'every run passed', promql: 'min(min_over_time(golive_run_success{environment="outage"}[$__range]))', threshold: '==1' },
    ] } }));
    const r = await signoff('outage', ['--config', config]);
    const q = r.report.criteria.find((c) => c.id === 'query:every run passed');
    expect(q?.status).toBe('failed');
    expect(q?.evidence.worst?.at).toContain(new Date((startS + 10 * HOUR) * 1000).toISOString().slice(0, 13));
    expect(r.report.criteria).toHaveLength(7);
  });
});
