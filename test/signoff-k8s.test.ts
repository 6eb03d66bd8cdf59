/**
 * The weekly sign-off CronJob (k8s/signoff/): restricted like the hourly one,
 * secrets by reference only; and its container's own command line, run by
 * the real CLI against a real Prometheus holding the last week, posts the
 * per-day table to a Slack receiver and exits 0.
 */
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { V1Container } from '@kubernetes/client-node';
import { buildSignoffCronJob, buildSignoffNetworkPolicy, WEEKLY_SIGNOFF } from '../src/k8s/signoff-cronjob.js';
import type { SignoffReport } from '../src/signoff/types.js';
import { ROOT, runCli } from './support/processes.js';
import type { Server } from './support/prometheus.js';
import { startWithHistory } from './support/signoff-history.js';

const cron = buildSignoffCronJob();
const pod = cron.spec?.jobTemplate.spec?.template.spec;
const container = pod?.containers[0] as V1Container;

describe('the weekly sign-off CronJob', () => {
  it('is restricted, tokenless, one at a time, and never retries a verdict', () => {
    expect(cron.spec?.concurrencyPolicy).toBe('Forbid');
    expect(cron.spec?.schedule).toBe('0 9 * * 1');
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
      privileged: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(cron.spec?.jobTemplate.spec?.podFailurePolicy?.rules[0]?.onExitCodes?.values).toEqual([99, 104]);
    expect(cron.spec?.jobTemplate.spec?.activeDeadlineSeconds).toBeGreaterThan(0);
  });

  it('takes every credential from the Secret by reference; the only literal values are not secrets', () => {
    const env = container.env ?? [];
    for (const e of env.filter((x) => /PASSWORD|TOKEN|WEBHOOK|USERNAME/.test(x.name))) {
      expect(e.value, e.name).toBeUndefined();
      expect(e.valueFrom?.secretKeyRef?.name, e.name).toBe('golive-credentials');
    }
    expect(env.filter((e) => e.value !== undefined).map((e) => e.name).sort()).toEqual(['GOLIVE_ENVIRONMENT', 'GOLIVE_PROMETHEUS_URL', 'HOME']);
  });

  it('has a NetworkPolicy of its own: DNS, the Prometheus namespace, HTTPS out; nothing in', () => {
    const np = buildSignoffNetworkPolicy();
    expect(np.spec?.podSelector.matchLabels?.['app.kubernetes.io/component']).toBe('signoff');
    expect(np.spec?.ingress).toBeUndefined();
    expect(np.spec?.egress?.map((r) => r.ports?.map((p) => p.port))).toEqual([[53, 53], [WEEKLY_SIGNOFF.prometheusPort], [443]]);
  });
});

describe('the CronJob\'s command line, run for real', () => {
  const HOUR = 3600;
  const end = Math.floor(Date.now() / 1000 / HOUR) * HOUR;
  let prom: Server;
  let slack: HttpServer;
  let slackUrl = '';
  const posts: { body: string; type: string }[] = [];
  beforeAll(async () => {
    // A week up to the current hour (the history ends at its last whole hour).
    prom = await startWithHistory([{ startS: end - 7 * 24 * HOUR, hours: 7 * 24 + 1, environment: WEEKLY_SIGNOFF.environment, capacity: { hour: 3, ok: true } }]);
    slack = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (d: Buffer) => { body += d.toString(); });
      req.on('end', () => { posts.push({ body, type: req.headers['content-type'] ?? '' }); res.end('ok'); });
    });
    await new Promise<void>((r) => slack.listen(0, '127.0.0.1', r));
    const a = slack.address();
    slackUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/services/T000/B000/secret-path`;
  }, 240_000);
  afterAll(async () => {
    await Promise.all([prom?.stop(), new Promise<void>((r) => (slack ? slack.close(() => r()) : r()))]);
  });

  it('signs off the week by day and posts the table to Slack', async () => {
    const out = await mkdtemp(join(tmpdir(), 'golive-weekly-'));
    const args = (container.args ?? []).map((a) => a.replace('/config/golive.config.json', join(ROOT, 'k8s', 'golive.config.json')).replace(/^\/reports$/, out));
    const env: Record<string, string> = {};
    for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
    const res = await runCli(args, { env: { ...env, GOLIVE_PROMETHEUS_URL: prom.url, GOLIVE_SLACK_WEBHOOK_URL: slackUrl }, deadlineMs: 180_000 });
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const report = JSON.parse(await readFile(join(out, 'signoff.json'), 'utf8')) as SignoffReport;
    expect(report.by).toBe('day');
    expect(report.windowSeconds).toBe(7 * 24 * HOUR);
    expect(report.criteria.find((c) => c.id === 'availability')?.days).toHaveLength(7);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.type).toContain('application/json');
    const text = JSON.stringify(JSON.parse(posts[0]?.body ?? '{}'));
    expect(text).toContain('SIGNED OFF');
    expect(text).toMatch(/✓ System availability +100\.00 %/);
    // the webhook URL is a secret: not in the report, not in the output
    expect(`${res.stdout}${res.stderr}${await readFile(join(out, 'signoff.json'), 'utf8')}`).not.toContain('secret-path');
  });
});
