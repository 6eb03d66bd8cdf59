// Plays scheduler + kubelet for tests against the real control plane (there is no container
// runtime here): binds unscheduled pods to its own Node, runs each pod through a caller-supplied
// function, and writes the pod status with the real exit code so the real Job controller
// (backoffLimit, podFailurePolicy on exit codes, ...) reacts exactly as it would to a kubelet.
import { spawn } from 'node:child_process';
import { CoreV1Api, KubeConfig, Watch, type V1ContainerStatus, type V1Pod, type V1PodCondition } from '@kubernetes/client-node';

export interface PodRunResult {
  exitCode: number;
  logs: string;
}

/** Runs "the pod". `signal` aborts when the pod is deleted or the kubelet stops. */
export type PodRunner = (pod: V1Pod, signal: AbortSignal) => Promise<PodRunResult>;

export interface TestKubeletOptions {
  /** A KubeConfig, or a kubeconfig path (use the control plane's admin kubeconfig). */
  kubeconfig: KubeConfig | string;
  run: PodRunner;
  nodeName?: string;
  /** Only pods in this namespace; default all namespaces. */
  namespace?: string;
  heartbeatMs?: number;
}

export interface TestKubelet {
  nodeName: string;
  /** Keyed by `namespace/podName`; the API server cannot serve logs without a real kubelet. */
  logs: ReadonlyMap<string, string>;
  results: ReadonlyMap<string, PodRunResult>;
  /** Failures of the kubelet itself or of `run`: tests should assert this is empty. */
  errors: readonly Error[];
  stop(): Promise<void>;
}

const podKey = (p: V1Pod): string => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
const httpCode = (e: unknown): number | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'number' ? e.code : undefined;
const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/**
 * A PodRunner that runs the first container's command + args as a local process, with the
 * container's literal `env` values (valueFrom is not resolved) on top of `baseEnv`.
 */
export function localProcessRunner(baseEnv: NodeJS.ProcessEnv = process.env): PodRunner {
  return (pod, signal) => new Promise((resolve, reject) => {
    const c = pod.spec?.containers[0];
    const argv = [...(c?.command ?? []), ...(c?.args ?? [])];
    const [cmd, ...args] = argv;
    if (!c || cmd === undefined) return reject(new Error(`pod ${podKey(pod)}: no command to run (image entrypoints are unknown here)`));
    const env: NodeJS.ProcessEnv = { ...baseEnv };
    for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
    const child = spawn(cmd, args, { env, signal, stdio: ['ignore', 'pipe', 'pipe'], cwd: c.workingDir });
    let logs = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { logs += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { logs += d; });
    child.on('error', (e) => { if (e.name !== 'AbortError') reject(e); });
    // A signal death maps to 128+n like a container runtime reports it (137 for SIGKILL).
    child.on('close', (code, sig) => resolve({ exitCode: code ?? (sig === 'SIGKILL' ? 137 : 143), logs }));
  });
}

function conditions(ready: boolean, reason?: string): V1PodCondition[] {
  const now = new Date();
  const c = (type: string, ok: boolean): V1PodCondition =>
    ({ type, status: ok ? 'True' : 'False', lastTransitionTime: now, ...(ok || !reason ? {} : { reason }) });
  return [c('PodScheduled', true), c('Initialized', true), c('ContainersReady', ready), c('Ready', ready)];
}

export async function startTestKubelet(opts: TestKubeletOptions): Promise<TestKubelet> {
  const kc = typeof opts.kubeconfig === 'string' ? new KubeConfig() : opts.kubeconfig;
  if (typeof opts.kubeconfig === 'string') kc.loadFromFile(opts.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const nodeName = opts.nodeName ?? `golive-test-node-${crypto.randomUUID().slice(0, 8)}`;
  const logs = new Map<string, string>();
  const results = new Map<string, PodRunResult>();
  const errors: Error[] = [];
  const bound = new Set<string>();
  const started = new Set<string>();
  const running = new Map<string, AbortController>();
  const inflight = new Set<Promise<void>>();
  let stopped = false;
  let watch: AbortController | undefined;

  /** Read-modify-write of the Node status, retried on conflict: the node controller writes it too. */
  const heartbeat = async (): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const node = await core.readNode({ name: nodeName });
      const now = new Date();
      node.status = {
        ...node.status,
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: nodeName }],
        capacity: { cpu: '8', memory: '16Gi', pods: '110' },
        allocatable: { cpu: '8', memory: '16Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test kubelet',
          lastHeartbeatTime: now, lastTransitionTime: node.status?.conditions?.[0]?.lastTransitionTime ?? now }],
      };
      try {
        await core.replaceNodeStatus({ name: nodeName, body: node });
        return;
      } catch (e) {
        if (httpCode(e) !== 409 || attempt >= 10) throw e;
      }
    }
  };

  /** Read-modify-write of the pod status, retried on conflict; a vanished pod is not an error. */
  const writeStatus = async (pod: V1Pod, mutate: (p: V1Pod) => void): Promise<void> => {
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? '';
    for (let attempt = 0; ; attempt++) {
      try {
        const cur = await core.readNamespacedPod({ name, namespace });
        mutate(cur);
        await core.replaceNamespacedPodStatus({ name, namespace, body: cur });
        return;
      } catch (e) {
        if (httpCode(e) === 404) return;
        if (httpCode(e) !== 409 || attempt >= 10) throw e;
      }
    }
  };

  const forceDelete = async (pod: V1Pod): Promise<void> => {
    await core.deleteNamespacedPod({ name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', gracePeriodSeconds: 0 })
      .catch((e: unknown) => { if (httpCode(e) !== 404) throw e; });
  };

  const runPod = async (pod: V1Pod, uid: string): Promise<void> => {
    const ctl = new AbortController();
    running.set(uid, ctl);
    const containers = pod.spec?.containers ?? [];
    const startedAt = new Date();
    await writeStatus(pod, (p) => {
      p.status = {
        ...p.status, phase: 'Running', startTime: startedAt, hostIP: '127.0.0.1', podIP: '127.0.0.1',
        conditions: conditions(true),
        containerStatuses: containers.map((c): V1ContainerStatus => ({ name: c.name, image: c.image ?? '', imageID: '',
          ready: true, started: true, restartCount: 0, state: { running: { startedAt } } })),
      };
    });
    let result: PodRunResult;
    try {
      result = await opts.run(pod, ctl.signal);
    } catch (e) {
      errors.push(new Error(`run(${podKey(pod)}) threw: ${toError(e).message}`));
      result = { exitCode: 128, logs: toError(e).message };
    } finally {
      running.delete(uid);
    }
    logs.set(podKey(pod), result.logs);
    results.set(podKey(pod), result);
    const finishedAt = new Date();
    const reason = result.exitCode === 0 ? 'Completed' : 'Error';
    // Every container reports the pod's exit code: the runner runs the pod as one unit.
    await writeStatus(pod, (p) => {
      p.status = {
        ...p.status, phase: result.exitCode === 0 ? 'Succeeded' : 'Failed', conditions: conditions(false, 'PodCompleted'),
        containerStatuses: containers.map((c): V1ContainerStatus => ({ name: c.name, image: c.image ?? '', imageID: '',
          ready: false, started: false, restartCount: 0,
          state: { terminated: { exitCode: result.exitCode, reason, startedAt, finishedAt } } })),
      };
    });
    if (ctl.signal.aborted) await forceDelete(pod);
  };

  const track = (p: Promise<void>): void => {
    const t = p.catch((e: unknown) => { if (!stopped) errors.push(toError(e)); }).finally(() => inflight.delete(t));
    inflight.add(t);
  };

  const onPod = (pod: V1Pod): void => {
    const uid = pod.metadata?.uid;
    if (!uid || stopped) return;
    const nodeOfPod = pod.spec?.nodeName;
    if (pod.metadata?.deletionTimestamp) {
      if (nodeOfPod !== nodeName) return;
      // A real kubelet kills the containers, then confirms the deletion with grace period 0.
      const ctl = running.get(uid);
      if (ctl) ctl.abort();
      else track(forceDelete(pod));
      return;
    }
    if (!nodeOfPod) {
      if (bound.has(uid) || (pod.spec?.schedulerName ?? 'default-scheduler') !== 'default-scheduler') return;
      bound.add(uid);
      const namespace = pod.metadata?.namespace ?? '';
      const name = pod.metadata?.name ?? '';
      track(core.createNamespacedPodBinding({ name, namespace,
        body: { metadata: { name, namespace }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } } })
        .then(() => undefined, (e: unknown) => { if (httpCode(e) !== 409) throw e; }));
      return;
    }
    if (nodeOfPod !== nodeName || pod.status?.phase !== 'Pending' || started.has(uid)) return;
    started.add(uid);
    track(runPod(pod, uid));
  };

  const startWatch = async (): Promise<void> => {
    const path = opts.namespace ? `/api/v1/namespaces/${opts.namespace}/pods` : '/api/v1/pods';
    // Without a resourceVersion the server first replays every existing pod as ADDED, so a
    // restarted watch cannot miss a pod; the guards in onPod make replays harmless.
    watch = await new Watch(kc).watch(path, {}, (type: string, obj: V1Pod) => {
      if (type === 'ADDED' || type === 'MODIFIED') onPod(obj);
    }, (err: unknown) => {
      if (stopped) return;
      if (err) errors.push(new Error(`pod watch ended: ${toError(err).message}; restarting`));
      setTimeout(() => { if (!stopped) startWatch().catch((e: unknown) => errors.push(toError(e))); }, 200);
    });
  };

  await core.createNode({ body: { metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName } } } })
    .catch((e: unknown) => { if (httpCode(e) !== 409) throw e; });
  await heartbeat();
  // The node lifecycle controller marks a node without heartbeats NotReady and evicts its pods.
  const beat = setInterval(() => { heartbeat().catch((e: unknown) => { if (!stopped) errors.push(toError(e)); }); },
    opts.heartbeatMs ?? 10_000);
  await startWatch();

  return {
    nodeName, logs, results, errors,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(beat);
      watch?.abort();
      for (const ctl of running.values()) ctl.abort();
      await Promise.allSettled([...inflight]);
    },
  };
}
