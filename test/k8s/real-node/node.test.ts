// The real node itself: the kubelet registers with the real API server, runs a pod under
// containerd (the sandbox image is our own pause), and stop() gives back every process,
// mount and cgroup it made.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../support/control-plane.js';
import { mountsUnder, pidsWithArg } from '../../support/node-host.js';
import { startRealNode, type RealNode } from '../../support/real-node.js';
import { describeRealNode } from './helpers/describe.js';
import { waitFor } from '../../support/wait.js';

const execFileP = promisify(execFile);

describeRealNode('a real node (containerd + kubelet + kube-scheduler)', () => {
  let cp: ControlPlane;
  let node: RealNode | undefined;
  let core: CoreV1Api;

  beforeAll(async () => {
    cp = await startControlPlane();
    node = await startRealNode(cp);
    const kc = new KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
  }, 240_000);

  afterAll(async () => {
    await node?.stop();
    await cp?.stop();
  }, 120_000);

  it('registers a Ready Node reachable as localhost, the scheduler binds a pod to it and containerd runs it', async () => {
    if (!node) throw new Error('no node');
    const n = await core.readNode({ name: node.nodeName });
    expect(n.status?.addresses).toContainEqual({ type: 'Hostname', address: 'localhost' });
    expect(n.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^containerd:\/\//);
    expect(n.status?.nodeInfo?.kubeletVersion).toBe('v1.35.4');
    await core.createNamespacedPod({ namespace: 'default', body: {
      metadata: { name: 'pause' },
      spec: { restartPolicy: 'Never', automountServiceAccountToken: false, containers: [{ name: 'p', image: 'golive.local/pause:1', imagePullPolicy: 'Never' }] },
    } });
    const running = await waitFor('pod pause Running', async () => {
      const p = await core.readNamespacedPod({ name: 'pause', namespace: 'default' });
      return p.status?.phase === 'Running' ? p : undefined;
    }, 90_000, 250).catch(async (e: unknown) => { throw new Error(`${String(e)}\nkubelet:\n${await node?.kubeletLog()}`); });
    expect(running.spec?.nodeName).toBe(node.nodeName);
    expect(running.status?.podIP).toMatch(/^10\.244\.0\./);
  }, 150_000);

  it('stop() leaves no shim, mount, netns, CNI cache entry, log link, bridge or cgroup behind', async () => {
    if (!node) throw new Error('no node');
    const r = node;
    const socket = r.containerd.socket;
    const dir = socket.slice(0, socket.indexOf('/containerd/'));
    expect((await pidsWithArg(socket)).length).toBeGreaterThan(0);
    const mounts = await mountsUnder(dir);
    // the pod's network namespace is mounted in our dir, not in the host's /run/netns
    expect(mounts.filter((m) => m.includes('/netns/'))).toHaveLength(1);
    const cniCache = async () => (await readdir('/var/lib/cni/results').catch(() => [] as string[])).filter((f) => f.startsWith(`${r.containerd.network}-`));
    expect(await cniCache()).toHaveLength(1);
    const logLinks = async () => {
      const links = await readdir('/var/log/containers').catch(() => [] as string[]);
      return (await Promise.all(links.map((l) => readlink(join('/var/log/containers', l)).catch(() => '')))).filter((t) => t.startsWith(`${dir}/`));
    };
    expect(await logLinks()).toHaveLength(1);
    node = undefined;
    await r.stop();
    expect(await pidsWithArg(socket)).toEqual([]);
    expect(await mountsUnder(dir)).toEqual([]);
    expect(await cniCache()).toEqual([]);
    expect(await logLinks()).toEqual([]);
    expect((await execFileP('ip', ['link', 'show', r.containerd.network]).catch(() => undefined))).toBeUndefined();
    expect(existsSync(`/sys/fs/cgroup/memory/${r.cgroupRoot}`)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  }, 120_000);
});
