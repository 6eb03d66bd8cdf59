// A PodRunner that does what a kubelet does for our runner pods, minus the container:
// resolves env (literal, secretKeyRef, fieldRef), materialises configMap and emptyDir
// volumes in a temp dir, expands $(VAR) in command/args, then runs the command as a
// local process (the node runner image's /app/dist/golive.js is this repo's dist/golive.js).
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CoreV1Api, V1Container, V1EnvVar, V1Pod } from '@kubernetes/client-node';
import type { PodRunner, PodRunResult } from '../../support/test-kubelet.js';

const REPO = resolve(import.meta.dirname, '../../..');
const IMAGE_PATHS: Record<string, string> = { '/app/dist/golive.js': join(REPO, 'dist/golive.js') };

function fieldValue(pod: V1Pod, path: string): string {
  const m = /^metadata\.(annotations|labels)\['(.+)'\]$/.exec(path);
  if (m) return (m[1] === 'annotations' ? pod.metadata?.annotations : pod.metadata?.labels)?.[m[2] ?? ''] ?? '';
  if (path === 'metadata.name') return pod.metadata?.name ?? '';
  if (path === 'metadata.namespace') return pod.metadata?.namespace ?? '';
  throw new Error(`fieldRef ${path} not supported by the test kubelet`);
}

async function envValue(core: CoreV1Api, pod: V1Pod, e: V1EnvVar): Promise<string | undefined> {
  if (e.value !== undefined) return e.value;
  const ref = e.valueFrom;
  if (ref?.fieldRef) return fieldValue(pod, ref.fieldRef.fieldPath ?? '');
  if (ref?.secretKeyRef) {
    const s = await core.readNamespacedSecret({ name: ref.secretKeyRef.name ?? '', namespace: pod.metadata?.namespace ?? '' });
    const b64 = s.data?.[ref.secretKeyRef.key];
    if (b64 === undefined && ref.secretKeyRef.optional) return undefined; // the kubelet leaves the variable unset
    if (b64 === undefined) throw new Error(`secret ${ref.secretKeyRef.name} has no key ${ref.secretKeyRef.key}`);
    return Buffer.from(b64, 'base64').toString('utf8');
  }
  throw new Error(`env ${e.name}: valueFrom kind not supported by the test kubelet`);
}

/** Kubernetes' $(VAR) expansion: defined vars are replaced, $$ escapes, unknown refs stay as written. */
export function expand(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) => (m === '$$' ? '$' : name !== undefined && name in env ? env[name] ?? '' : m));
}

export interface ClusterPodRunnerOptions {
  core: CoreV1Api;
  /** env every process gets (PATH etc.); the pod's env goes on top */
  baseEnv?: NodeJS.ProcessEnv;
  /** called with the pod's emptyDir/configMap directories (mount path -> dir) before they are removed */
  afterRun?: (pod: V1Pod, mounts: ReadonlyMap<string, string>) => Promise<void>;
}

export function clusterPodRunner(o: ClusterPodRunnerOptions): PodRunner {
  return async (pod, signal): Promise<PodRunResult> => {
    const spec = pod.spec;
    const c = spec?.containers[0];
    if (!spec || !c) throw new Error('pod without a container');
    const root = await mkdtemp(join(tmpdir(), 'golive-pod-'));
    try {
      // Volumes by name, shared by the pod's containers (an init container fills an emptyDir for the runner).
      const mounts = new Map<string, string>();
      for (const k of [...(spec.initContainers ?? []), c]) {
        for (const m of k.volumeMounts ?? []) {
          const vol = spec.volumes?.find((v) => v.name === m.name);
          const dir = join(root, m.name);
          if (!vol?.configMap && !vol?.emptyDir) throw new Error(`volume ${m.name}: only configMap and emptyDir are supported`);
          await mkdir(dir, { recursive: true });
          if (vol.configMap) {
            const cm = await o.core.readNamespacedConfigMap({ name: vol.configMap.name ?? '', namespace: pod.metadata?.namespace ?? '' });
            for (const [key, v] of Object.entries(cm.data ?? {})) await writeFile(join(dir, key), v);
          }
        }
      }
      // In order, as the kubelet does: an init container that fails fails the pod, the runner never starts.
      for (const init of spec.initContainers ?? []) {
        const r = await runContainer(o, pod, init, root, signal);
        if (r.exitCode !== 0) return r;
      }
      const mountsOfRunner = new Map<string, string>();
      for (const m of c.volumeMounts ?? []) mountsOfRunner.set(m.mountPath, join(root, m.name));
      return await runContainer(o, pod, c, root, signal).then(async (r) => { await o.afterRun?.(pod, mountsOfRunner); return r; });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  };
}

async function runContainer(o: ClusterPodRunnerOptions, pod: V1Pod, c: V1Container, root: string, signal: AbortSignal): Promise<PodRunResult> {
  const mounts = new Map<string, string>();
  for (const m of c.volumeMounts ?? []) mounts.set(m.mountPath, join(root, m.name));
  const podEnv: Record<string, string> = {};
  for (const e of c.env ?? []) {
    const v = await envValue(o.core, pod, e);
    if (v !== undefined) podEnv[e.name] = expand(v, podEnv);
  }
  const hostPath = (s: string): string => {
    if (IMAGE_PATHS[s]) return IMAGE_PATHS[s] ?? s;
    for (const [mp, dir] of mounts) if (s === mp || s.startsWith(`${mp}/`)) return dir + s.slice(mp.length);
    return s;
  };
  // ... also inside a shell line (the k6 init container runs `sh -c 'cp "$(command -v k6)" /k6/k6'`).
  const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // One pass, longest mount first, so a replaced path is not mapped again (/tmp holds the temp dirs).
  const mountRe = new RegExp(`(^|[\\s"'=])(${[...mounts.keys()].sort((x, y) => y.length - x.length).map(esc).join('|')})(?=/|$|[\\s"'])`, 'g');
  const inText = (text: string): string => (mounts.size === 0 ? text : text.replace(mountRe, (_m, pre: string, mp: string) => `${pre}${mounts.get(mp) ?? mp}`));
  const mapArg = (a: string): string => { const h = hostPath(a); return h !== a ? h : inText(a); };
  const argv = [...(c.command ?? []), ...(c.args ?? [])].map((a) => mapArg(expand(a, podEnv)));
  // Paths inside the pod's mounts (HOME, TMPDIR, K6_BINARY, GOLIVE_K6_SCRIPT, ...) point into the temp dir.
  for (const [k, v] of Object.entries(podEnv)) if (v.startsWith('/')) podEnv[k] = hostPath(v);
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error('no command');
  return new Promise<PodRunResult>((ok, fail) => {
    const child = spawn(cmd, args, { env: { PATH: process.env.PATH, ...o.baseEnv, ...podEnv }, signal, stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
    let logs = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { logs += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { logs += d; });
    child.on('error', (e) => { if (e.name !== 'AbortError') fail(e); });
    child.on('close', (code, sig) => ok({ exitCode: code ?? (sig === 'SIGKILL' ? 137 : 143), logs }));
  });
}
