/**
 * The API clients for one kubeconfig, and `call`: every request gets a deadline and
 * its failure becomes a one-line GOLIVE_K8S_ERROR. (client-node 1.3 cannot cancel a
 * request, so the deadline bounds our wait; the process exits soon after anyway.)
 */
import {
  AppsV1Api, AutoscalingV2Api, BatchV1Api, CoreV1Api, DiscoveryV1Api, KubeConfig, NetworkingV1Api,
} from '@kubernetes/client-node';
import { GoliveError, firstLine } from '../core/errors.js';
import { k8sError, TimeoutError } from './k8s-api-errors.js';

export const DEFAULT_CALL_TIMEOUT_MS = 15_000;

export interface K8sClients {
  kc: KubeConfig;
  server: string;
  core: CoreV1Api;
  batch: BatchV1Api;
  apps: AppsV1Api;
  discovery: DiscoveryV1Api;
  networking: NetworkingV1Api;
  autoscaling: AutoscalingV2Api;
  timeoutMs: number;
}

/** An explicit path, else $KUBECONFIG / ~/.kube/config, else the in-cluster ServiceAccount. */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
  } catch (err) {
    const msg = firstLine(err);
    throw new GoliveError('GOLIVE_INVALID_CONFIG', `kubeconfig${path ? ` ${path}` : ''}: ${msg}`);
  }
  if (!kc.getCurrentCluster()) {
    throw new GoliveError('GOLIVE_INVALID_CONFIG', `kubeconfig${path ? ` ${path}` : ''}: no current cluster; pass --kubeconfig or run inside a cluster`);
  }
  return kc;
}

export function makeClients(kc: KubeConfig, timeoutMs = DEFAULT_CALL_TIMEOUT_MS): K8sClients {
  return {
    kc,
    server: kc.getCurrentCluster()?.server ?? '',
    core: kc.makeApiClient(CoreV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    discovery: kc.makeApiClient(DiscoveryV1Api),
    networking: kc.makeApiClient(NetworkingV1Api),
    autoscaling: kc.makeApiClient(AutoscalingV2Api),
    timeoutMs,
  };
}

/** Raw: bounds the wait, keeps the original error (callers that handle 404/409 need it). */
export function withTimeout<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** One API call: deadline plus the one-line error. */
export async function call<T>(c: K8sClients, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await withTimeout(what, c.timeoutMs, fn());
  } catch (err) {
    throw k8sError(err, what, c.server);
  }
}
