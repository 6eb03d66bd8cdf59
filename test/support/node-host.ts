// What a real node leaves on the host and must give back even when a test fails:
// mounts (container root file systems, /dev/shm of each sandbox), containerd shims
// (they outlive containerd by design), and the cgroups the kubelet made for its pods.
import { execFile } from 'node:child_process';
import { readdir, readFile, rmdir, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CGROUP_FS = '/sys/fs/cgroup';

/** Mount points at or below `dir`, deepest first (mountinfo escapes spaces as \040). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const points = text.split('\n').map((l) => l.split(' ')[4] ?? '')
    .map((p) => p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export async function unmountUnder(dir: string): Promise<void> {
  for (const p of await mountsUnder(dir)) {
    // Lazy as a fallback: a mount still busy (a dying shim) is detached now, freed when released.
    await run('umount', [p]).catch(() => run('umount', ['-l', p])).catch(() => undefined);
  }
  const left = await mountsUnder(dir);
  if (left.length > 0) throw new Error(`could not unmount ${left.join(', ')}`);
}

/** PIDs of processes whose argv contains `needle` as one argument (e.g. our containerd socket). */
export async function pidsWithArg(needle: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const argv = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (argv.split('\0').includes(needle)) out.push(Number(name));
  }
  return out;
}

/**
 * The cgroup hierarchies, by directory: on cgroup v2 the one at /sys/fs/cgroup itself (its
 * subdirectories are cgroups, not hierarchies); on v1 each mount below it (cpu, memory, ...,
 * name=systemd, and the hybrid layout's unified).
 */
async function hierarchies(): Promise<string[]> {
  if ((await stat(join(CGROUP_FS, 'cgroup.controllers')).catch(() => undefined))?.isFile()) return [CGROUP_FS];
  const names = await readdir(CGROUP_FS).catch(() => [] as string[]);
  const dirs: string[] = [];
  for (const n of names) {
    const d = join(CGROUP_FS, n);
    if ((await stat(join(d, 'cgroup.procs')).catch(() => undefined))?.isFile()) dirs.push(d);
  }
  return dirs;
}

/** A cgroup of this name in every hierarchy: the kubelet's --cgroup-root must exist. */
export async function makeCgroupRoot(name: string): Promise<void> {
  for (const h of await hierarchies()) {
    const d = join(h, name);
    await mkdir(d, { recursive: true });
    // A new v1 cpuset has no CPUs or memory nodes: nothing could run in it until they are copied in.
    if (h.endsWith('/cpuset')) {
      for (const f of ['cpuset.cpus', 'cpuset.mems']) await writeFile(join(d, f), await readFile(join(h, f), 'utf8'));
    }
  }
}

async function rmdirTree(d: string): Promise<void> {
  const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isDirectory()) await rmdirTree(join(d, e.name));
  await rmdir(d).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw new Error(`cgroup ${d}: ${err.message}`); });
}

async function procsIn(d: string): Promise<number[]> {
  const own = (await readFile(join(d, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);
  const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isDirectory()) own.push(...await procsIn(join(d, e.name)));
  return own;
}

/**
 * SIGKILLs every process left in the cgroup tree `name` (containers whose shim died with
 * containerd), polling until it is empty or `timeoutMs` passes; returns what is left.
 */
export async function killCgroupTree(name: string, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = new Set<number>();
    for (const h of await hierarchies()) for (const p of await procsIn(join(h, name))) pids.add(p);
    if (pids.size === 0 || Date.now() > deadline) return [...pids];
    for (const p of pids) {
      try { process.kill(p, 'SIGKILL'); } catch { /* already gone */ }
    }
    await new Promise((r) => setTimeout(r, 100)); // poll interval, not synchronisation
  }
}

/** Removes the cgroup tree `name` from every hierarchy (empty by then: its processes were killed). */
export async function removeCgroupRoot(name: string): Promise<void> {
  for (const h of await hierarchies()) await rmdirTree(join(h, name));
}
