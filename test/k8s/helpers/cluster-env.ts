// One real control plane prepared the way a user would: a namespace enforcing Pod
// Security "restricted", golive's ServiceAccount/Role/RoleBinding from the builders,
// the token Secret, a kubeconfig that authenticates AS that ServiceAccount, and the
// test kubelet running pods with clusterPodRunner.
import { BatchV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api, type V1Role, type V1RoleBinding, type V1ServiceAccount } from '@kubernetes/client-node';
import { buildRbac } from '../../../src/k8s/rbac.js';
import { ORCHESTRATOR_SERVICE_ACCOUNT, RUNNER_SERVICE_ACCOUNT } from '../../../src/k8s/names.js';
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
  /** kubeconfig for system:serviceaccount:<ns>:golive-orchestrator (what `golive k8s` runs as) */
  saKubeconfig: string;
  /** kubeconfig for system:serviceaccount:<ns>:golive-runner (what the runner pods' cluster phase runs as) */
  runnerKubeconfig: string;
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
    // Both identities exactly as `golive k8s render` emits them (with the cluster phase).
    const names = { namespace: ns, clusterNamespace: ns, orchestrator: ORCHESTRATOR_SERVICE_ACCOUNT, runner: RUNNER_SERVICE_ACCOUNT };
    for (const obj of buildRbac(names, true)) {
      const namespace = obj.metadata?.namespace ?? ns;
      if (obj.kind === 'ServiceAccount') await core.createNamespacedServiceAccount({ namespace, body: obj as V1ServiceAccount });
      else if (obj.kind === 'Role') await rbac.createNamespacedRole({ namespace, body: obj as V1Role });
      else await rbac.createNamespacedRoleBinding({ namespace, body: obj as V1RoleBinding });
    }
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'golive-credentials' }, stringData: { token: opts.token } } });
    const tokenFor = async (name: string) => (await core.createNamespacedServiceAccountToken({ name, namespace: ns, body: { spec: { audiences: [], expirationSeconds: 3600 } } })).status?.token ?? '';
    const saKubeconfig = await cp.kubeconfigForToken(await tokenFor(ORCHESTRATOR_SERVICE_ACCOUNT), 'golive-orchestrator');
    const runnerKubeconfig = await cp.kubeconfigForToken(await tokenFor(RUNNER_SERVICE_ACCOUNT), 'golive-runner');
    const run = opts.run ?? clusterPodRunner({ core });
    kubelet = await startTestKubelet({ kubeconfig: kc, namespace: ns, run });
    const k = kubelet;
    return {
      cp, kc, core, batch, kubelet: k, saKubeconfig, runnerKubeconfig,
      async stop() { await k.stop(); await cp.stop(); },
    };
  } catch (e) {
    await kubelet?.stop();
    await cp.stop();
    throw e;
  }
}
