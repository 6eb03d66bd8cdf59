// One real control plane prepared the way a user would: a namespace enforcing Pod
// Security "restricted", golive's ServiceAccount/Role/RoleBinding from the builders,
// the token Secret, a kubeconfig that authenticates AS that ServiceAccount, and the
// test kubelet running pods with clusterPodRunner.
import { BatchV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { buildRole, buildRoleBinding, buildServiceAccount } from '../../../src/k8s/rbac.js';
import { startControlPlane, type ControlPlane } from '../../support/control-plane.js';
import { startTestKubelet, type PodRunner, type TestKubelet } from '../../support/test-kubelet.js';
import { clusterPodRunner } from './pod-runner.js';
import { waitFor as waitUntil } from '../../support/wait.js';

export interface ClusterEnv {
  cp: ControlPlane;
  kc: KubeConfig;
  core: CoreV1Api;
  batch: BatchV1Api;
  kubelet: TestKubelet;
  /** kubeconfig for system:serviceaccount:<ns>:golive */
  saKubeconfig: string;
  stop(): Promise<void>;
}

/** What went wrong inside the test kubelet, as lines for an assertion. */
export function kubeletErrors(k: TestKubelet): string[] {
  return k.errors.map((e) => e.message);
}

/** (what, timeout, probe) order, as these tests call it. */
export const waitFor = <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> =>
  waitUntil(what, probe, timeoutMs, 200);

export async function startClusterEnv(ns: string, opts: { token: string; run?: PodRunner; namespaces?: string[] }): Promise<ClusterEnv> {
  const cp = await startControlPlane();
  let kubelet: TestKubelet | undefined;
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    const batch = kc.makeApiClient(BatchV1Api);
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    for (const name of [ns, ...(opts.namespaces ?? [])]) {
      await core.createNamespace({ body: { metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } } });
    }
    await waitFor('the namespace default ServiceAccount', 30_000, async () => core.readNamespacedServiceAccount({ name: 'default', namespace: ns }));
    const names = { namespace: ns, serviceAccountName: 'golive' };
    await core.createNamespacedServiceAccount({ namespace: ns, body: buildServiceAccount(names) });
    await rbac.createNamespacedRole({ namespace: ns, body: buildRole(names) });
    await rbac.createNamespacedRoleBinding({ namespace: ns, body: buildRoleBinding(names) });
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'golive-credentials' }, stringData: { token: opts.token } } });
    const tr = await core.createNamespacedServiceAccountToken({ name: 'golive', namespace: ns, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
    const saKubeconfig = await cp.kubeconfigForToken(tr.status?.token ?? '', 'golive-sa');
    const run = opts.run ?? clusterPodRunner({ core });
    kubelet = await startTestKubelet({ kubeconfig: kc, namespace: ns, run });
    const k = kubelet;
    return {
      cp, kc, core, batch, kubelet: k, saKubeconfig,
      async stop() { await k.stop(); await cp.stop(); },
    };
  } catch (e) {
    await kubelet?.stop();
    await cp.stop();
    throw e;
  }
}
