// A real control plane and a real node, with the namespace the shipped manifests use
// (signal-trading) prepared as a user would: the token Secret (the one thing a user
// creates by hand), and Pod Security at "privileged" because the test overlay makes the
// runner pods hostNetwork (see ../kustomization.yaml); "restricted" still warns.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { startReferenceApi, type ReferenceApi, type ReferenceApiOptions } from '../../../../src/reference-api/server.js';
import { BatchV1Api, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../../../support/control-plane.js';
import { startRealNode, type RealNode } from '../../../support/real-node.js';
import { waitFor } from '../../../support/wait.js';
import type { BuiltImage } from '../../../support/images.js';
import { pinImages } from './pinned-images.js';

export const NS = 'signal-trading';

export interface NodeEnv {
  cp: ControlPlane;
  node: RealNode;
  core: CoreV1Api;
  batch: BatchV1Api;
  /** the runner image (k8s/runner/Dockerfile), imported into the node's containerd */
  image: BuiltImage;
  /** the k6 image (scripts/image/k6.sh), pinned but imported only on request */
  k6: BuiltImage;
  /** kubectl as cluster admin; rejects on a non-zero exit with its stderr */
  kubectl(args: string[], input?: string, timeoutMs?: number): Promise<{ stdout: string; stderr: string }>;
  /** pods of a Job, oldest first */
  jobPods(job: string): Promise<V1Pod[]>;
  stop(): Promise<void>;
}

function kubectlRunner(cp: ControlPlane) {
  return (args: string[], input?: string, timeoutMs = 60_000) => new Promise<{ stdout: string; stderr: string }>((ok, fail) => {
    const child = spawn(cp.kubectlPath, [`--kubeconfig=${cp.kubeconfigPath}`, ...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', fail);
    child.on('close', (code, sig) => (code === 0 ? ok({ stdout, stderr }) : fail(new Error(`kubectl ${args.join(' ')}: exit ${code ?? sig}: ${stderr.trim()}`))));
    child.stdin.end(input ?? '');
  });
}

export async function startNodeEnv(token: string): Promise<NodeEnv> {
  const pinned = await pinImages();
  const image = pinned.images.runner;
  let cp: ControlPlane | undefined;
  let node: RealNode | undefined;
  const release = async (): Promise<void> => {
    try {
      try { await node?.stop(); } finally { await cp?.stop(); }
    } finally {
      await pinned.release();
    }
  };
  try {
    cp = await startControlPlane();
    node = await startRealNode(cp);
    await node.importImage(image.archive);
    const kc = new KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    const batch = kc.makeApiClient(BatchV1Api);
    await core.createNamespace({ body: { metadata: { name: NS, labels: {
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/warn': 'restricted',
    } } } });
    await waitFor(`ServiceAccount ${NS}/default`, () => core.readNamespacedServiceAccount({ name: 'default', namespace: NS }), 30_000, 200);
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'golive-credentials' }, stringData: { token } } });
    const n = node;
    return {
      cp, node: n, core, batch, image, k6: pinned.images.k6, kubectl: kubectlRunner(cp),
      async jobPods(job) {
        const list = await core.listNamespacedPod({ namespace: NS, labelSelector: `batch.kubernetes.io/job-name=${job}` });
        return list.items.sort((a, b) => new Date(a.metadata?.creationTimestamp ?? 0).getTime() - new Date(b.metadata?.creationTimestamp ?? 0).getTime());
      },
      stop: release,
    };
  } catch (e) {
    await release();
    throw e;
  }
}

/**
 * A real node and a reference API for the tests of one file: both started before them
 * (the API first, so the node's pods find it), both stopped after, also when one failed.
 */
export function useNodeEnv(token: string, apiOptions: Omit<ReferenceApiOptions, 'port' | 'token'>): { readonly env: NodeEnv; readonly api: ReferenceApi } {
  let env: NodeEnv | undefined;
  let api: ReferenceApi | undefined;
  beforeAll(async () => {
    api = await startReferenceApi({ ...apiOptions, port: 0, token });
    env = await startNodeEnv(token);
  }, 600_000);
  afterAll(async () => {
    await env?.stop();
    await api?.close();
  }, 120_000);
  const started = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} did not start`);
    return v;
  };
  return {
    get env() { return started(env, 'the real node'); },
    get api() { return started(api, 'the reference API'); },
  };
}
