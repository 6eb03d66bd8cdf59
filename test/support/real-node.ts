// One real node for the slow cluster tests: kube-scheduler, containerd and a kubelet that
// registers with the test control plane, all on loopback, all under one temp dir, all
// torn down by stop() (processes, shims, mounts, cgroups, the pods' bridge) even when a
// test failed half-way. The fast tests keep test-kubelet.ts.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { ControlPlane } from './control-plane.js';
import { startContainerd, type Containerd } from './containerd.js';
import { logTail, startDaemon, stopDaemon, waitHealthy, type Daemon } from './daemon.js';
import { findNodeBuild, releaseCgroups, startKubelet, type Kubelet } from './kubelet.js';
import { certKubeconfig, clientCert } from './node-pki.js';
import { freePort } from './ports.js';
import { waitFor } from './wait.js';

export interface RealNode {
  nodeName: string;
  /** the cgroup (in every hierarchy) that holds the node's pods */
  cgroupRoot: string;
  containerd: Containerd;
  /** Imports an image archive into the node's containerd (imagePullPolicy IfNotPresent finds it). */
  importImage(archive: string): Promise<void>;
  /** The last lines of the kubelet's log, for failure messages. */
  kubeletLog(lines?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Why this machine cannot host a real node, or undefined. Only missing capabilities count
 * (a bug must fail, not skip): containerd, runc, mounts and cgroups need root.
 */
export function realNodeUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'a real node (containerd, runc, mounts, cgroups) needs root; these tests run as root in CI';
  return undefined;
}

async function startScheduler(dir: string, cp: ControlPlane, binDir: string): Promise<Daemon> {
  const cert = await clientCert(dir, 'scheduler-client', { cert: cp.caFile, key: cp.caKeyFile }, 'system:kube-scheduler');
  const kubeconfig = await certKubeconfig(join(dir, 'scheduler.kubeconfig'), cp.server, cp.caFile, cert, 'scheduler');
  const port = await freePort();
  const d = startDaemon(dir, 'kube-scheduler', join(binDir, 'kube-scheduler'), [
    `--kubeconfig=${kubeconfig}`, '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${port}`,
    `--cert-dir=${join(dir, 'scheduler-certs')}`, '--profiling=false',
  ]);
  // Its serving certificate is self-signed; /healthz is public, nothing secret travels.
  await waitHealthy(d, '/healthz', 60_000, () => new Promise<boolean>((ok, fail) => {
    const req = request(`https://127.0.0.1:${port}/healthz`, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume().on('end', () => ok(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy(new Error('timeout'))).on('error', fail).end();
  }));
  return d;
}

async function nodeReady(cp: ControlPlane, nodeName: string, timeoutMs: number, kubelet: Daemon): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  await waitFor(`Node ${nodeName} Ready`, async () => {
    const n = await core.readNode({ name: nodeName });
    return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
  }, timeoutMs, 250).catch(async (e: unknown) => {
    throw new Error(`${e instanceof Error ? e.message : String(e)}; kubelet log:\n${await logTail(kubelet, 40)}`);
  });
}

export async function startRealNode(cp: ControlPlane, opts: { startTimeoutMs?: number } = {}): Promise<RealNode> {
  const build = await findNodeBuild();
  const dir = await mkdtemp(join(tmpdir(), 'golive-node-'));
  const id = randomBytes(4).toString('hex');
  // The node's Hostname address, which the API server dials for logs and exec: see kubelet.ts.
  const nodeName = 'localhost';
  const cgroupRoot = `golive-node-${id}`;
  const steps: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    const errors: string[] = [];
    // Reverse start order; every step runs even if one before it failed.
    for (const step of steps.splice(0).reverse()) await step().catch((e: unknown) => { errors.push(e instanceof Error ? e.message : String(e)); });
    await rm(dir, { recursive: true, force: true }).catch((e: unknown) => { errors.push(String(e)); });
    if (errors.length > 0) throw new Error(`real node teardown: ${errors.join('; ')}`);
  };
  let kubelet: Kubelet | undefined;
  try {
    steps.push(() => releaseCgroups(cgroupRoot));
    const scheduler = await startScheduler(dir, cp, build.binDir);
    steps.push(() => stopDaemon(scheduler));
    const containerd = await startContainerd({ dir, sandboxImage: build.pauseImage, sandboxArchive: build.pauseArchive, bridge: `gln${id}` });
    steps.push(() => containerd.stop());
    kubelet = await startKubelet({ dir, cp, binDir: build.binDir, runtimeEndpoint: containerd.endpoint, nodeName, cgroupRoot, ...opts });
    const k = kubelet;
    steps.push(() => k.stop());
    await nodeReady(cp, nodeName, opts.startTimeoutMs ?? 90_000, k.daemon);
    return {
      nodeName, cgroupRoot, containerd,
      importImage: (archive) => containerd.importImage(archive),
      kubeletLog: (lines = 40) => logTail(k.daemon, lines),
      stop,
    };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}
