// A real kubelet (built by scripts/setup/k8s-node.sh from the control plane's module set)
// against the test API server and a private containerd. Cgroup v1 here: kubelet 1.35 runs
// on it only with failCgroupV1: false. Its pods' cgroups live under a root of their own,
// so two tests' nodes never share /kubepods and teardown removes exactly what it made.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ControlPlane } from './control-plane.js';
import { startDaemon, stopDaemon, waitHealthy, type Daemon } from './daemon.js';
import { certKubeconfig, clientCert, servingCert } from './node-pki.js';
import { killCgroupTree, makeCgroupRoot, removeCgroupRoot } from './node-host.js';
import { freePort } from './ports.js';

const run = promisify(execFile);
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const NODE_SETUP_COMMAND = 'bash scripts/setup/k8s-node.sh';
const CONTAINER_LOG_LINKS = '/var/log/containers';

export interface NodeBuild {
  binDir: string;
  /** the sandbox image's archive and the name it carries */
  pauseArchive: string;
  pauseImage: string;
}

/** The cached kubelet, kube-scheduler and pause image; throws naming the setup command. */
export async function findNodeBuild(): Promise<NodeBuild> {
  const out = await run('bash', [join(REPO_ROOT, 'scripts/setup/k8s-node.sh'), '--print-dir']);
  const binDir = out.stdout.trim().split('\n').pop() ?? '';
  const build = { binDir, pauseArchive: join(dirname(binDir), 'images', 'pause.tar'), pauseImage: 'golive.local/pause:1' };
  const missing = [join(binDir, 'kubelet'), join(binDir, 'kube-scheduler'), build.pauseArchive].filter((p) => !existsSync(p));
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run \`${NODE_SETUP_COMMAND}\` to build them`);
  return build;
}

export interface Kubelet {
  nodeName: string;
  daemon: Daemon;
  stop(): Promise<void>;
}

export interface KubeletOptions {
  dir: string;
  cp: ControlPlane;
  binDir: string;
  runtimeEndpoint: string;
  nodeName: string;
  /** a cgroup name unique to this node */
  cgroupRoot: string;
  startTimeoutMs?: number;
}

function kubeletConfig(o: KubeletOptions, dir: string, port: number, healthzPort: number, serving: { cert: string; key: string }): string {
  return JSON.stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration',
    cgroupDriver: 'cgroupfs', failCgroupV1: false, cgroupRoot: `/${o.cgroupRoot}`, cpuManagerPolicy: 'none',
    // -999 by default; lowering needs CAP_SYS_RESOURCE, which this machine withholds (containerd.ts).
    oomScoreAdj: 0,
    failSwapOn: false, containerRuntimeEndpoint: o.runtimeEndpoint,
    address: '127.0.0.1', port, readOnlyPort: 0, healthzBindAddress: '127.0.0.1', healthzPort,
    tlsCertFile: serving.cert, tlsPrivateKeyFile: serving.key,
    // Only the API server's client certificate (signed by the test CA) may call the kubelet.
    authentication: { anonymous: { enabled: false }, webhook: { enabled: false }, x509: { clientCAFile: o.cp.caFile } },
    authorization: { mode: 'AlwaysAllow' },
    podLogsDir: join(dir, 'pod-logs'), resolvConf: '', staticPodPath: '',
    registerNode: true, rotateCertificates: false, serverTLSBootstrap: false,
    // A shared test machine's disk and memory say nothing about our pods: no eviction.
    evictionHard: { 'memory.available': '0%', 'nodefs.available': '0%', 'imagefs.available': '0%' },
    imageGCHighThresholdPercent: 100, imageGCLowThresholdPercent: 99,
    nodeStatusUpdateFrequency: '2s', syncFrequency: '5s', fileCheckFrequency: '5s',
  });
}

export async function startKubelet(o: KubeletOptions): Promise<Kubelet> {
  const dir = join(o.dir, 'kubelet');
  await mkdir(join(dir, 'pod-logs'), { recursive: true });
  const ca = { cert: o.cp.caFile, key: o.cp.caKeyFile };
  const client = await clientCert(dir, 'kubelet-client', ca, `system:node:${o.nodeName}`, ['system:nodes']);
  const kubeconfig = await certKubeconfig(join(dir, 'kubeconfig'), o.cp.server, o.cp.caFile, client, 'kubelet');
  const serving = await servingCert(dir, 'kubelet-serving');
  const [port, healthzPort] = await Promise.all([freePort(), freePort()]);
  await writeFile(join(dir, 'config.json'), kubeletConfig(o, dir, port, healthzPort, serving));
  await makeCgroupRoot(o.cgroupRoot);
  const daemon = startDaemon(o.dir, 'kubelet', join(o.binDir, 'kubelet'), [
    `--config=${join(dir, 'config.json')}`, `--kubeconfig=${kubeconfig}`, `--root-dir=${join(dir, 'root')}`,
    // The kubelet refuses a loopback --node-ip ("nodeIP can't be loopback address"), so it
    // reports the host's address as InternalIP; the API server reaches it by its Hostname
    // address, the first it prefers, and "localhost" keeps that on loopback.
    `--cert-dir=${join(dir, 'pki')}`, `--hostname-override=${o.nodeName}`, '--v=2',
  ]);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopDaemon(daemon);
    // The kubelet links every container's log into /var/log/containers (a fixed path); ours point into dir.
    for (const f of await readdir(CONTAINER_LOG_LINKS).catch(() => [] as string[])) {
      const target = await readlink(join(CONTAINER_LOG_LINKS, f)).catch(() => '');
      if (target.startsWith(`${dir}/`)) await rm(join(CONTAINER_LOG_LINKS, f), { force: true });
    }
  };
  try {
    await waitHealthy(daemon, '/healthz', o.startTimeoutMs ?? 60_000, async () => (await fetch(`http://127.0.0.1:${healthzPort}/healthz`)).ok);
    return { nodeName: o.nodeName, daemon, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** After kubelet and containerd are gone: whatever still runs in the node's cgroups, then the cgroups. */
export async function releaseCgroups(cgroupRoot: string): Promise<void> {
  const left = await killCgroupTree(cgroupRoot);
  if (left.length > 0) throw new Error(`processes ${left.join(', ')} survive in cgroup ${cgroupRoot}`);
  await removeCgroupRoot(cgroupRoot);
}
