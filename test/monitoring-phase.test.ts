/**
 * The monitoring phase against real Prometheus servers: healthy, a target
 * down, a critical alert firing, rules missing, Prometheus unreachable.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanInput } from '../src/contract/plan.js';
import { systemClock } from '../src/core/clock.js';
import type { RunEvent } from '../src/core/events.js';
import type { PhaseContext, PhaseOutcome } from '../src/phases/types.js';
import { monitoringPhase } from '../src/phases/monitoring.js';
import { fixturePlan } from './support/prometheus-fixtures.js';
import { freePort, getJson, query, startPrometheus, waitFor } from './support/prometheus.js';
import type { Server } from './support/prometheus.js';

const rules = join(import.meta.dirname, '..', 'k8s', 'monitoring', 'golive-rules.yaml');
const CRITICAL = `groups:
  - name: test.critical
    rules:
      - alert: TestCriticalAlwaysFiring
        expr: vector(1)
        labels: { severity: critical, service: gateway }
      - alert: GoLiveRollbackTrigger
        expr: vector(1)
        labels: { severity: critical, source: golive }
      - alert: TestWarningAlwaysFiring
        expr: vector(1)
        labels: { severity: warning }
`;

let healthy: Server;
let alerting: Server;
let tmp: string;
let downPort: number;
let grafana: HttpServer;
let grafanaUrl: string;
let grafanaStatus = 200;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gl-mon-'));
  await writeFile(join(tmp, 'critical.yaml'), CRITICAL);
  downPort = await freePort();
  [healthy, alerting] = await Promise.all([
    startPrometheus({ ruleFiles: [rules], scrape: { down: [`127.0.0.1:${downPort}`] } }),
    startPrometheus({ ruleFiles: [join(tmp, 'critical.yaml')] }),
  ]);
  grafana = createServer((req, res) => {
    res.statusCode = req.url === '/api/health' ? grafanaStatus : 404;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ database: grafanaStatus === 200 ? 'ok' : 'failing', version: '11.0.0' }));
  });
  await new Promise<void>((r) => grafana.listen(0, '127.0.0.1', () => r()));
  const addr = grafana.address();
  grafanaUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  // The phase reads what Prometheus knows: wait for the first scrapes and the alert.
  await waitFor('both scrape targets of the healthy Prometheus', async () => ((await query(healthy.url, 'up')).length === 2 ? true : undefined));
  await waitFor('the alerting Prometheus to scrape itself', async () => ((await query(alerting.url, 'up')).length === 1 ? true : undefined));
  await waitFor('the critical test alert to fire', async () => {
    const { body } = await getJson<{ data: { alerts: { labels: Record<string, string>; state: string }[] } }>(`${alerting.url}/api/v1/alerts`);
    return body.data.alerts.some((a) => a.labels.alertname === 'TestCriticalAlwaysFiring' && a.state === 'firing') ? true : undefined;
  });
});
afterAll(async () => {
  await Promise.all([healthy?.stop(), alerting?.stop()]);
  await new Promise<void>((r) => (grafana ? grafana.close(() => r()) : r()));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function context(prometheus: PlanInput['prometheus']): { ctx: PhaseContext; events: RunEvent[] } {
  const events: RunEvent[] = [];
  const ctx: PhaseContext = {
    plan: fixturePlan({ requestTimeoutMs: 3000, prometheus }),
    signal: new AbortController().signal, clock: systemClock, emit: (e) => events.push(e),
  };
  return { ctx, events };
}

/** The outcome without its samples and checks, for comparing status and reason. */
const verdictOf = ({ status, reason }: PhaseOutcome) => ({ status, ...(reason !== undefined ? { reason } : {}) });

describe('monitoring phase', () => {
  it('passes against a healthy Prometheus with the golive rules, and a healthy Grafana', async () => {
    const { ctx } = context({ url: healthy.url, targetsSelector: 'up{job="prometheus"}', grafanaUrl });
    const out = await monitoringPhase.run(ctx);
    expect(verdictOf(out)).toEqual({ status: 'passed' });
    expect(out.checks?.map((c) => [c.name, c.passes, c.fails])).toEqual([
      ['prometheus ready', 1, 0], ['scrape targets up', 1, 0], ['golive rule groups loaded', 1, 0],
      ['no critical alert firing', 1, 0], ['grafana healthy', 1, 0],
    ]);
    expect(out.store?.select('checks', { phase: 'monitoring' })?.value('rate')).toBe(1);
  });

  it('fails naming the scrape target that is down', async () => {
    const { ctx } = context({ url: healthy.url, targetsSelector: 'up' });
    const out = await monitoringPhase.run(ctx);
    expect(out.status).toBe('failed');
    expect(out.reason).toBe(`target 127.0.0.1:${downPort} (job down) is down (up = 0)`);
    const targets = out.checks?.find((c) => c.name === 'scrape targets up');
    expect([targets?.passes, targets?.fails]).toEqual([1, 1]);
  });

  it('fails when no target matches the selector', async () => {
    const { ctx } = context({ url: healthy.url, targetsSelector: 'namespace="signal-trading"' });
    const out = await monitoringPhase.run(ctx);
    expect(out.reason).toBe('no scrape target matches up{namespace="signal-trading"}');
  });

  it('fails naming the critical alert that fires, and the missing golive rules', async () => {
    const { ctx, events } = context({ url: alerting.url, targetsSelector: 'up{job="prometheus"}' });
    const out = await monitoringPhase.run(ctx);
    expect(out.status).toBe('failed');
    expect(out.reason).toBe('rule groups not loaded: golive.availability, golive.alerts; critical alert firing: TestCriticalAlwaysFiring{service=gateway}');
    // golive's own alerts describe earlier runs: reported, not failing this one
    expect(events).toContainEqual({ type: 'log', level: 'warn', message: 'golive alerts about earlier runs are firing (not failing this run): GoLiveRollbackTrigger' });
  });

  it('fails when Grafana is unhealthy', async () => {
    grafanaStatus = 503;
    try {
      const { ctx } = context({ url: healthy.url, targetsSelector: 'up{job="prometheus"}', grafanaUrl });
      expect(verdictOf(await monitoringPhase.run(ctx))).toEqual({ status: 'failed', reason: 'grafana /api/health answered 503 (database failing)' });
    } finally { grafanaStatus = 200; }
  });

  it('fails in one line when Prometheus is unreachable', async () => {
    const port = await freePort();
    const { ctx } = context({ url: `http://127.0.0.1:${port}` });
    expect(verdictOf(await monitoringPhase.run(ctx))).toEqual({
      status: 'failed', reason: `Prometheus not reachable: GET http://127.0.0.1:${port}/-/ready: ECONNREFUSED`,
    });
  });

  it('is an error naming --prometheus-url when no Prometheus is configured', async () => {
    const { ctx } = context({});
    const out = await monitoringPhase.run(ctx);
    expect(out.status).toBe('error');
    expect(out.reason).toContain('--prometheus-url');
    expect(out.checks ?? []).toEqual([]);
  });
});
