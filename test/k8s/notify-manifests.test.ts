/**
 * `golive k8s render --notify ...`: the Job and the CronJob carry the
 * notification secrets by secretKeyRef only. The real CLI renders with the
 * secrets set in its own environment: none of them may reach a manifest.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildK6 } from '../../src/engine/k6/bundle.mjs';
import { parseAllDocuments } from 'yaml';
import type { V1Container, V1CronJob, V1Job } from '@kubernetes/client-node';
import { ROOT, runCli } from '../support/processes.js';

const SECRETS = {
  GOLIVE_SLACK_WEBHOOK_URL: 'https://hooks.example.test/services/T0/B0/SLACKSECRET123',
  GOLIVE_WEBHOOK_URL: 'https://hooks.example.test/WEBHOOKSECRET456',
  GOLIVE_PAGERDUTY_ROUTING_KEY: 'PDROUTINGKEY789',
  GOLIVE_TOKEN: 'TOKENSECRET000',
};

const render = (args: string[]) => runCli(['k8s', 'render', '--target', 'http://api.signal-trading.svc:8080', ...args], { env: SECRETS });

describe('golive k8s render --notify', () => {
  let scripts: string;
  beforeAll(async () => {
    scripts = await mkdtemp(join(tmpdir(), 'golive-notify-k6-'));
    await buildK6(ROOT, { outDir: scripts });
  }, 60_000);
  afterAll(async () => { if (scripts) await rm(scripts, { recursive: true, force: true }); });

  it('puts the channels in the runner args and their secrets in secretKeyRefs, in the Job and the CronJob', async () => {
    const res = await render(['--notify', 'slack,webhook,pagerduty', '--notify-on', 'change', '--schedule', '0 * * * *']);
    expect(res.stderr.replace(/^golive k8s: .*\n/gm, '')).toBe('');
    expect(res.code).toBe(0);
    for (const s of Object.values(SECRETS)) expect(res.stdout).not.toContain(s);
    const docs = parseAllDocuments(res.stdout).map((d) => d.toJS() as { kind: string });
    const job = docs.find((d) => d.kind === 'Job') as V1Job;
    const cron = docs.find((d) => d.kind === 'CronJob') as V1CronJob;
    const containers: V1Container[] = [job.spec!.template.spec!.containers[0]!, cron.spec!.jobTemplate.spec!.template.spec!.containers[0]!];
    for (const c of containers) {
      expect(c.args).toEqual(expect.arrayContaining(['--notify', 'slack,webhook,pagerduty', '--notify-on', 'change']));
      const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
      expect(env.GOLIVE_SLACK_WEBHOOK_URL).toEqual({ name: 'GOLIVE_SLACK_WEBHOOK_URL', valueFrom: { secretKeyRef: { name: 'golive-credentials', key: 'slack-webhook-url' } } });
      expect(env.GOLIVE_WEBHOOK_URL?.valueFrom?.secretKeyRef?.key).toBe('webhook-url');
      expect(env.GOLIVE_WEBHOOK_TEMPLATE?.valueFrom?.secretKeyRef).toEqual({ name: 'golive-credentials', key: 'webhook-template', optional: true });
      expect(env.GOLIVE_PAGERDUTY_ROUTING_KEY?.valueFrom?.secretKeyRef?.key).toBe('pagerduty-routing-key');
      for (const e of c.env ?? []) if (/WEBHOOK|PAGERDUTY|SLACK/.test(e.name)) expect(e.value).toBeUndefined();
    }
  });

  it('adds nothing without --notify, and refuses what it cannot do (104, one line)', async () => {
    const plain = await render([]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toMatch(/--notify|slack-webhook-url/);
    // the k6 flavour's runner is golive too: it notifies like a node runner
    const k6 = await render(['--notify', 'slack', '--engine', 'k6', '--scripts-dir', scripts]);
    expect(k6.code, k6.stderr).toBe(0);
    expect(k6.stdout).toContain('slack-webhook-url');
    const parallel = await render(['--notify', 'slack', '--parallelism', '3']);
    expect(parallel.code).toBe(104);
    expect(parallel.stderr).toBe('golive: --notify: only with --parallelism 1 (each parallel runner sees only its share of the load)\n');
    const bad = await render(['--notify', 'email']);
    expect(bad.stderr).toBe('golive: --notify: expected slack, webhook or pagerduty, got "email"\n');
  });
});
