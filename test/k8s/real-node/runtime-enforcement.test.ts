// What admission only promised, enforced at run time by runc: inside the running runner
// container of the shipped Job (entered with kubectl exec, through the API server, the
// kubelet and containerd's streaming server) the process is uid/gid 65532, has no
// capabilities, runs under a seccomp filter with no_new_privs, and cannot write outside
// its emptyDirs. The token reaches the process only through the Secret (secretKeyRef).
import { expect, it } from 'vitest';
import { waitFor } from '../../support/wait.js';
import { describeRealNode } from './helpers/describe.js';
import { NS, useNodeEnv } from './helpers/node-env.js';
import { applyShipped, SHIPPED_JOB } from './helpers/shipped.js';

const TOKEN = `tok-${crypto.randomUUID()}`;

// Run inside the container by its own node: tries writes, reads its pid 1's (the runner's) status and env.
const PROBE = `
const fs = require('fs');
const write = (p) => { try { fs.writeFileSync(p, 'x'); fs.unlinkSync(p); return 'ok'; } catch (e) { return e.code; } };
const status = Object.fromEntries(fs.readFileSync('/proc/1/status', 'utf8').split('\\n')
  .filter((l) => /^(Uid|Gid|CapEff|CapPrm|CapBnd|Seccomp|NoNewPrivs):/.test(l)).map((l) => l.split(/:\\s+/)));
const env = fs.readFileSync('/proc/1/environ', 'utf8').split('\\0');
const root = fs.readFileSync('/proc/1/mountinfo', 'utf8').split('\\n').find((l) => l.split(' ')[4] === '/');
console.log(JSON.stringify({
  uid: process.getuid(), gid: process.getgid(), status, root,
  argv: fs.readFileSync('/proc/1/cmdline', 'utf8').split('\\0').filter(Boolean),
  writes: Object.fromEntries(['/probe', '/app/probe', '/etc/probe', '/config/probe', '/tmp/probe', '/reports/probe'].map((p) => [p, write(p)])),
  token: (env.find((l) => l.startsWith('GOLIVE_TOKEN=')) || '').slice('GOLIVE_TOKEN='.length),
}));`;

interface Probe {
  uid: number; gid: number; root: string; argv: string[]; token: string;
  status: Record<string, string>; writes: Record<string, string>;
}

describeRealNode('runtime enforcement of the restricted security context on a real node', () => {
  // Slow enough answers that the runner is still running when we look inside (about 20 s).
  const ctx = useNodeEnv(TOKEN, { latency: { kind: 'fixed', ms: 100 } });

  it('uid 65532, no capabilities, seccomp, read-only root; writes only in /tmp and /reports; token from the Secret only', async () => {
    await applyShipped(ctx.env, {
      kinds: ['ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Job'],
      config: (c) => { c.target = ctx.api.url; c.phases = ['health', 'market-data', 'load']; c.load = { ...(c.load as object), workload: { model: 'closed', requests: 200, concurrency: 1 } }; },
    });
    const pod = await waitFor('the runner container running', async () => {
      const p = (await ctx.env.jobPods(SHIPPED_JOB))[0];
      return p?.status?.containerStatuses?.[0]?.state?.running ? p : undefined;
    }, 120_000, 250).catch(async (e: unknown) => { throw new Error(`${String(e)}\nkubelet:\n${await ctx.env.node.kubeletLog()}`); });
    const name = pod.metadata?.name ?? '';
    const { stdout } = await ctx.env.kubectl(['-n', NS, 'exec', name, '-c', 'runner', '--', 'node', '-e', PROBE]);
    const got = JSON.parse(stdout) as Probe;

    expect(got.argv).toEqual(['node', '/app/dist/golive.js', 'check', '--config', '/config/golive.config.json', '--out', '/reports', '--emit-result']);
    expect([got.uid, got.gid]).toEqual([65532, 65532]);
    // real, effective, saved and filesystem ids of the runner itself
    expect(got.status.Uid?.split(/\s+/)).toEqual(['65532', '65532', '65532', '65532']);
    expect(got.status.Gid?.split(/\s+/)).toEqual(['65532', '65532', '65532', '65532']);
    expect([got.status.CapEff, got.status.CapPrm, got.status.CapBnd]).toEqual(['0000000000000000', '0000000000000000', '0000000000000000']);
    expect(got.status.Seccomp).toBe('2'); // SECCOMP_MODE_FILTER: RuntimeDefault is loaded
    expect(got.status.NoNewPrivs).toBe('1'); // allowPrivilegeEscalation: false
    expect(got.root.split(' ')[5]?.split(',')).toContain('ro');
    expect(got.writes).toEqual({
      '/probe': 'EROFS', '/app/probe': 'EROFS', '/etc/probe': 'EROFS', '/config/probe': 'EROFS',
      '/tmp/probe': 'ok', '/reports/probe': 'ok',
    });

    expect(got.token).toBe(TOKEN);
    const spec = await ctx.env.core.readNamespacedPod({ name, namespace: NS });
    expect(JSON.stringify(spec)).not.toContain(TOKEN);
    expect(spec.spec?.containers[0]?.env?.find((e) => e.name === 'GOLIVE_TOKEN')).toEqual({
      name: 'GOLIVE_TOKEN', valueFrom: { secretKeyRef: { name: 'golive-credentials', key: 'token' } },
    });
    const cm = await ctx.env.core.readNamespacedConfigMap({ name: 'golive-config', namespace: NS });
    expect(JSON.stringify(cm)).not.toContain(TOKEN);

    // And the run itself still passes under all of it.
    const done = await waitFor(`Job ${SHIPPED_JOB} finished`, async () => {
      const j = await ctx.env.batch.readNamespacedJobStatus({ name: SHIPPED_JOB, namespace: NS });
      return j.status?.conditions?.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'));
    }, 180_000, 500);
    expect(done.type).toBe('Complete');
  }, 300_000);
});
