// Debian's containerd with a private root, state dir and socket under the test's temp dir,
// the CRI plugin on, runc with cgroupfs, and an isolated pod network: CNI's bridge plugin
// on a bridge of our own with no address and no route out, so a pod that is not
// hostNetwork reaches only its fellow pods. The sandbox image is imported from an archive
// (there is no registry); every other image the same way.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startDaemon, stopDaemon, waitHealthy, type Daemon } from './daemon.js';
import { pidsWithArg, unmountUnder } from './node-host.js';

const run = promisify(execFile);
export const CONTAINERD_PACKAGES = 'apt-get install containerd runc containernetworking-plugins';
const CNI_BIN = '/usr/lib/cni';
const CNI_CACHE = '/var/lib/cni/results';

export interface Containerd {
  /** unix:///… for the kubelet's containerRuntimeEndpoint */
  endpoint: string;
  socket: string;
  /** the pods' CNI network, also the name of its bridge */
  network: string;
  /** Imports an OCI or docker archive into the CRI's namespace; returns nothing, fails loudly. */
  importImage(archive: string): Promise<void>;
  /** `ctr` against this containerd, in the CRI's namespace. */
  ctr(args: string[], timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

export interface ContainerdOptions {
  dir: string;
  sandboxImage: string;
  sandboxArchive: string;
  /** the pods' bridge; at most 15 characters (an interface name) */
  bridge: string;
  startTimeoutMs?: number;
}

export function missingRuntime(): string | undefined {
  for (const bin of ['/usr/bin/containerd', '/usr/bin/ctr', '/usr/sbin/runc', '/usr/bin/containerd-shim-runc-v2', `${CNI_BIN}/bridge`]) {
    if (!existsSync(bin)) return `${bin} missing: run \`${CONTAINERD_PACKAGES}\` (scripts/setup/test-deps.sh does)`;
  }
  return undefined;
}

function config(dir: string, o: ContainerdOptions, socket: string): string {
  return `version = 2
root = "${dir}/root"
state = "${dir}/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "${socket}"
[ttrpc]
  address = "${socket}.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${o.sandboxImage}"
  # kubectl exec/logs go API server -> kubelet -> this streaming server: loopback only.
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  # The pods' network namespaces are mounted under our state dir (default /var/run/netns), so the
  # teardown's unmount of the temp dir releases them too.
  netns_mounts_under_state_dir = true
  # This machine withholds CAP_SYS_RESOURCE even from root, so runc cannot lower a
  # process's oom_score_adj (the kubelet asks -998 for every sandbox: runc init fails with
  # "failed to update /proc/self/oom_score_adj: Permission denied"). Clamp it to ours.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${dir}/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${CNI_BIN}"
    conf_dir = "${dir}/cni"
`;
}

/** No gateway, no masquerade, no routes: the pod's eth0 reaches its subnet and nothing else. */
function cniConfig(dir: string, bridge: string): string {
  return JSON.stringify({
    cniVersion: '1.0.0', name: bridge,
    plugins: [{
      type: 'bridge', bridge, isGateway: false, ipMasq: false, hairpinMode: false,
      ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.0.0/24' }]], dataDir: join(dir, 'cni-ipam') },
    }, { type: 'loopback' }],
  });
}

export async function startContainerd(o: ContainerdOptions): Promise<Containerd> {
  const missing = missingRuntime();
  if (missing) throw new Error(missing);
  const dir = join(o.dir, 'containerd');
  await mkdir(join(dir, 'cni'), { recursive: true });
  const socket = join(dir, 'containerd.sock');
  await writeFile(join(dir, 'config.toml'), config(dir, o, socket));
  await writeFile(join(dir, 'cni', '10-golive.conflist'), cniConfig(dir, o.bridge));
  const d: Daemon = startDaemon(o.dir, 'containerd', '/usr/bin/containerd', ['--config', join(dir, 'config.toml')]);
  const ctr = async (args: string[], timeoutMs = 60_000): Promise<string> => {
    try {
      return (await run('/usr/bin/ctr', ['--address', socket, '--namespace', 'k8s.io', ...args], { timeout: timeoutMs, maxBuffer: 16 << 20 })).stdout;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`ctr ${args.join(' ')}: ${(err.stderr ?? err.message).trim()}`);
    }
  };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // Containers first (the kubelet is gone by now, nothing restarts them), then the daemon,
    // then the shims it leaves behind by design, then every mount they made.
    // Deleting the tasks lets each shim exit and remove its socket in /run/containerd/s.
    const ids = d.exited ? [] : (await ctr(['containers', 'ls', '-q'], 15_000).catch(() => '')).split('\n').filter(Boolean);
    for (const id of ids) await ctr(['tasks', 'kill', '-s', 'SIGKILL', id], 15_000).catch(() => undefined);
    for (const id of ids) await ctr(['tasks', 'delete', '--force', id], 15_000).catch(() => undefined);
    await stopDaemon(d);
    for (const pid of await pidsWithArg(socket)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    await unmountUnder(o.dir);
    // libcni caches each sandbox's result in /var/lib/cni/results/<network>-<sandbox id>-<ifname>.
    const cached = await readdir(CNI_CACHE).catch(() => [] as string[]);
    for (const f of cached) if (ids.some((id) => f.includes(`-${id}-`))) await rm(join(CNI_CACHE, f), { force: true });
    await run('ip', ['link', 'delete', o.bridge]).catch(() => undefined); // absent if no pod ever had a network
  };
  try {
    await waitHealthy(d, 'its API', o.startTimeoutMs ?? 30_000, async () => { await ctr(['version'], 5000); return true; });
    const importImage = async (archive: string): Promise<void> => {
      await ctr(['images', 'import', '--snapshotter', 'overlayfs', archive], 300_000);
    };
    await importImage(o.sandboxArchive);
    return { endpoint: `unix://${socket}`, socket, network: o.bridge, importImage, ctr, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
