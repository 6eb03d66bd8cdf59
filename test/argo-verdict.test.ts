/**
 * The shipped AnalysisTemplate's three answers, end to end through the real
 * parts the analysis reads: a run's verdict pushed to a real Pushgateway,
 * scraped by a real Prometheus, read back by the template's own `verdict`
 * query, and scored by Argo's rule for its two conditions. 0 is Successful,
 * 99 Failed, golive's own faults (105, 107) Inconclusive; before the push
 * (and for an earlier analysis's push) the query is empty, which Argo retries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverAll } from '../src/sinks/index.js';
import { buildAnalysisTemplate, verdictQuery } from '../src/k8s/argo.js';
import { makeRunnerPlan } from '../src/k8s/runner-plan.js';
import type { Verdict } from '../src/core/result.js';
import { argoMeasurement } from './support/argo-conditions.js';
import { fixturePlan, fixtureResult, fixtureStore } from './support/prometheus-fixtures.js';
import { query, startScrapedPushgateway, waitFor } from './support/prometheus.js';
import type { Server } from './support/prometheus.js';

let pgw: Server;
let prom: Server;
let stopBoth: (() => Promise<void>) | undefined;
beforeAll(async () => { ({ pgw, prom, stop: stopBoth } = await startScrapedPushgateway()); });
afterAll(async () => { await stopBoth?.(); });

const template = buildAnalysisTemplate(makeRunnerPlan(fixturePlan({ target: 'http://gateway-service.signal-trading.svc' }), { runId: 'r' }));
const verdictMetric = template.spec.metrics[1];
/** The template's query with its testid argument resolved, as Argo does before it asks. */
const resolved = (testid: string) => verdictMetric.provider.prometheus.query.replaceAll('{{args.testid}}', testid);

async function push(testid: string, verdict: Verdict): Promise<void> {
  const plan = fixturePlan({ testid, prometheus: { pushgatewayUrl: pgw.url, job: 'golive-analysis' } });
  const { store, checks } = fixtureStore();
  const result = fixtureResult(store, checks, { testid, verdict });
  expect((await deliverAll({ result, store, plan }))[0]?.ok).toBe(true);
}

const values = async (expr: string): Promise<number[]> => (await query(prom.url, expr)).map((r) => Number(r.value[1]));

describe('the AnalysisTemplate\'s verdict metric against a real Pushgateway and Prometheus', () => {
  it.each([
    ['passed', 0, 'Successful'],
    ['failed', 99, 'Failed'],
    ['error', 107, 'Inconclusive'],
    ['aborted', 105, 'Inconclusive'],
  ] as const)('a run that %s pushes %i, which the analysis scores %s', async (verdict, code, phase) => {
    const testid = `rev-${verdict}`;
    expect(argoMeasurement(verdictMetric, await values(resolved(testid)))).toBe('Error'); // not pushed yet: Argo waits
    await push(testid, verdict);
    const result = await waitFor(`golive_run_exit_code{testid="${testid}"} in Prometheus`, async () => {
      const v = await values(resolved(testid));
      return v.length > 0 ? v : undefined;
    }, 30_000);
    expect(result).toEqual([code]);
    expect(argoMeasurement(verdictMetric, result)).toBe(phase);
  }, 60_000);

  it('an earlier analysis\'s push is not this one\'s answer: only a push of the last FRESH seconds counts', async () => {
    await push('rev-stale', 'passed');
    await waitFor('the push in Prometheus', async () => ((await values(verdictQuery('rev-stale'))).length > 0 ? true : undefined), 30_000);
    // the same series, asked to be fresher than it is: empty, so Argo keeps waiting instead of passing on it
    await waitFor('the push older than 2 s', async () => ((await values(verdictQuery('rev-stale', 2))).length === 0 ? true : undefined), 30_000);
    expect(argoMeasurement(verdictMetric, await values(verdictQuery('rev-stale', 2)))).toBe('Error');
  }, 60_000);
});
