// `golive k8s render` as a user runs it: URL credentials never reach a manifest (refused
// with 104 and where they belong), and a NetworkPolicy that would silently block the target
// or the API server is refused too, naming the flag that opens it.
import { Writable } from 'node:stream';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { V1NetworkPolicy, V1Job } from '@kubernetes/client-node';
import { k8sCommand } from '../../src/cli/k8s.js';
import { runCommand } from '../../src/cli/run-command.js';
import { systemClock } from '../../src/core/clock.js';
import { EXIT } from '../../src/core/errors.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalysisTemplate } from '../../src/k8s/argo.js';
import { K6_INIT_CONTAINER, K6_SCRIPT } from '../../src/k8s/names.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void { this.text += chunk.toString(); done(); }
}

async function render(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCommand(k8sCommand, ['render', ...args], { stdout, stderr, env: {}, signal: new AbortController().signal, cwd: '/tmp', clock: systemClock });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const SECRETS = ['p@ss', 'alice', 'KEY123', 'bob', 'pw-9', 'TOK456', 'FRAG789'];
const leaks = (t: string) => SECRETS.filter((s) => t.includes(s));
type Doc = { kind: string; metadata: { name: string; namespace?: string } };
const docs = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS() as Doc);

describe('golive k8s render: secrets in URLs', () => {
  it.each([
    [['--target', 'http://alice:p@ss@gateway.signal-trading.svc/?api_key=KEY123'], /^golive: --target: http:\/\/gateway\.signal-trading\.svc\/\?api_key=\*\*\* carries user:password@ and a query string, .*Secret golive-credentials under the key token/],
    [['--target', 'http://gateway.signal-trading.svc#FRAG789', '--argo'], /^golive: --target: .* carries a fragment/],
    [['--target', 'http://gateway.signal-trading.svc', '--prometheus-rw-url', 'http://bob:pw-9@prometheus.mon.svc:9090/api/v1/write'], /^golive: --prometheus-rw-url: .*prometheus-username and prometheus-password/],
    [['--target', 'http://gateway.signal-trading.svc', '--pushgateway-url', 'http://pgw.mon.svc:9091/?token=TOK456', '--schedule', '0 * * * *'], /^golive: --pushgateway-url: .* carries a query string/],
  ])('%j is refused with 104, one line, the credential nowhere', async (args, message) => {
    const r = await render(args);
    expect(r.code).toBe(104);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
  });

  it('Prometheus credentials given the supported way (env) stay out of every manifest; the pods read them from the Secret', async () => {
    const stdout = new Capture();
    const code = await runCommand(k8sCommand, ['render', '--target', 'http://gateway.signal-trading.svc', '--prometheus-rw-url', 'http://prometheus.mon.svc:9090/api/v1/write', '--argo', '--schedule', '0 * * * *'],
      { stdout, stderr: new Capture(), env: { GOLIVE_PROMETHEUS_USERNAME: 'alice', GOLIVE_PROMETHEUS_PASSWORD: 'pw-9' }, signal: new AbortController().signal, cwd: '/tmp', clock: systemClock });
    expect(code).toBe(0);
    expect(leaks(stdout.text)).toEqual([]);
    const job = docs(stdout.text).find((d) => d.kind === 'Job') as unknown as V1Job;
    expect(job.spec?.template.spec?.containers[0]?.env?.find((e) => e.name === 'GOLIVE_PROMETHEUS_PASSWORD')?.valueFrom?.secretKeyRef)
      .toEqual({ name: 'golive-credentials', key: 'prometheus-password', optional: true });
  });
});

describe('golive k8s render --argo', () => {
  it('works for the k6 flavour: its runner is golive check --engine k6, which pushes the same verdict the analysis reads', async () => {
    const stdout = new Capture();
    const stderr = new Capture();
    const scripts = await mkdtemp(join(tmpdir(), 'golive-argo-k6-'));
    await writeFile(join(scripts, K6_SCRIPT), 'export default function () {}\n');
    const code = await runCommand(k8sCommand, ['render', '--target', 'http://gateway.signal-trading.svc', '--engine', 'k6', '--argo', '--scripts-dir', scripts],
      { stdout, stderr, env: {}, signal: new AbortController().signal, cwd: '/tmp', clock: systemClock });
    expect(code, stderr.text).toBe(0);
    const at = docs(stdout.text).find((d) => d.kind === 'AnalysisTemplate') as unknown as AnalysisTemplate;
    const pod = at.spec.metrics[0].provider.job.spec.template.spec;
    expect(pod?.initContainers?.map((c) => c.name)).toEqual([K6_INIT_CONTAINER]);
    const runner = pod?.containers[0];
    expect(runner?.args).toEqual(expect.arrayContaining(['check', '--engine', 'k6', '--target', '{{args.target}}']));
    expect(runner?.env).toEqual(expect.arrayContaining([{ name: 'GOLIVE_TESTID', value: '{{args.testid}}' }, { name: 'GOLIVE_PUSHGATEWAY_URL', value: '{{args.pushgateway}}' }]));
    expect(at.spec.metrics[1]).toMatchObject({ successCondition: 'result[0] == 0', failureCondition: 'result[0] == 99' });
  });
});

describe('golive k8s follows the command pattern', () => {
  it('returns EXIT values and throws typed errors; cli/run-command.ts maps them like every command\'s', async () => {
    const io = { stdout: new Capture(), stderr: new Capture(), env: {}, signal: new AbortController().signal, cwd: '/tmp', clock: systemClock };
    expect(await k8sCommand([], io)).toBe(EXIT.invalidConfig);
    await expect(k8sCommand(['render', '--bogus'], io)).rejects.toMatchObject({ code: 'GOLIVE_USAGE' });
    expect(io.stderr.text).toBe('');
    expect(await runCommand(k8sCommand, ['render', '--bogus'], io)).toBe(EXIT.invalidConfig);
    expect(io.stderr.text).toMatch(/^golive: unknown flag --bogus \(see golive k8s --help\)\n$/);
  });
});

describe('golive k8s render: egress that would be silently blocked', () => {
  const policy = (yaml: string) => docs(yaml).find((d) => d.kind === 'NetworkPolicy') as unknown as V1NetworkPolicy;
  const blocks = (np: V1NetworkPolicy) => np.spec?.egress?.flatMap((r) => (r.to ?? []).flatMap((t) => (t.ipBlock ? [`${t.ipBlock.cidr}:${r.ports?.map((p) => p.port).join(',')}`] : [])));

  it('an external target needs --egress-cidr (104 otherwise), then gets exactly that range on its port', async () => {
    // (with the edge phase, its own rule opens the target's port to any address)
    const refused = await render(['--target', 'https://api.signaltrading.com', '--phases', 'health,load']);
    expect(refused.code).toBe(104);
    expect(refused.stderr).toMatch(/^golive: --egress-cidr: --target https:\/\/api\.signaltrading\.com is outside the cluster/);
    const ok = await render(['--target', 'https://api.signaltrading.com', '--phases', 'health,load', '--egress-cidr', '203.0.113.10/32,203.0.113.11/32']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(blocks(policy(ok.stdout))).toEqual(['203.0.113.10/32:443', '203.0.113.11/32:443']);
  });

  it('the cluster phase needs the API server\'s addresses (104 when they cannot be read), and only they are opened', async () => {
    const refused = await render(['--target', 'http://gateway.signal-trading.svc', '--phases', 'health,cluster', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(refused.code).toBe(104);
    expect(refused.stderr).toMatch(/^golive: --api-server-cidr: the cluster phase needs the API server's addresses .* could not be read \(.*\/nonexistent\/kubeconfig.*\); pass --api-server-cidr CIDR/);
    const ok = await render(['--target', 'http://gateway.signal-trading.svc', '--phases', 'health,cluster', '--api-server-cidr', '10.0.0.1/32']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(blocks(policy(ok.stdout))).toEqual(['10.0.0.1/32:443,6443']);
    const all = docs(ok.stdout);
    expect(all.filter((d) => d.metadata.name === 'golive-runner').map((d) => d.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'NetworkPolicy']);
    const job = all.find((d) => d.kind === 'Job') as unknown as V1Job;
    expect(job.spec?.template.spec).toMatchObject({ serviceAccountName: 'golive-runner', automountServiceAccountToken: true });
  });

  it('without the cluster phase: no runner Role, no token, no API server egress, and --api-server-cidr is refused', async () => {
    const ok = await render(['--target', 'http://gateway.signal-trading.svc']);
    expect(ok.code, ok.stderr).toBe(0);
    const all = docs(ok.stdout);
    expect(all.filter((d) => d.metadata.name === 'golive-runner').map((d) => d.kind)).toEqual(['ServiceAccount', 'NetworkPolicy']);
    expect((all.find((d) => d.kind === 'Job') as unknown as V1Job).spec?.template.spec?.automountServiceAccountToken).toBe(false);
    expect(blocks(policy(ok.stdout))).toEqual([]);
    const r = await render(['--target', 'http://gateway.signal-trading.svc', '--api-server-cidr', '10.0.0.1/32']);
    expect(r.code).toBe(104);
    expect(r.stderr).toMatch(/^golive: --api-server-cidr: only the cluster phase/);
  });
});

describe('golive k8s render: ready to apply (issue 25)', () => {
  it('gives each rendering its own Job name and says which Secret the pods need and where the image comes from', async () => {
    const a = await render(['--target', 'http://gateway.signal-trading.svc', '--namespace', 'signal-trading']);
    const b = await render(['--target', 'http://gateway.signal-trading.svc', '--namespace', 'signal-trading']);
    expect([a.code, b.code]).toEqual([0, 0]);
    const jobOf = (yaml: string) => docs(yaml).find((d) => d.kind === 'Job')?.metadata.name;
    expect(jobOf(a.stdout)).toMatch(/^golive-\d{8}-\d{6}-[0-9a-f]+$/);
    expect(jobOf(b.stdout)).not.toBe(jobOf(a.stdout));
    const lines = a.stderr.trim().split('\n');
    expect(lines).toEqual([
      'golive k8s: the pods read the target\'s token from Secret golive-credentials, key token: kubectl -n signal-trading create secret generic golive-credentials --from-literal=token="$TOKEN"',
      expect.stringMatching(/^golive k8s: image ghcr\.io\/golive\/runner:0\.1\.0: build it from k8s\/runner\/Dockerfile .*or pass --image/),
      `golive k8s: Job ${jobOf(a.stdout) ?? '?'} is this rendering's own: apply it with kubectl apply --server-side -f; render again for a new run`,
    ]);
    expect(a.stdout).not.toContain('golive k8s:');
  });
});
