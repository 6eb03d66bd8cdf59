// Real etcd + kube-apiserver + kube-controller-manager; the test kubelet runs each pod's
// command as a local process and reports its real exit code, so the Job controller's
// reaction (podFailurePolicy, completion) is the real one.
import { BatchV1Api, CoreV1Api, KubeConfig, type V1Job } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../support/control-plane.js';
import { localProcessRunner, startTestKubelet, type TestKubelet } from '../support/test-kubelet.js';
import { waitFor } from './helpers/cluster-env.js';

const NAMESPACE = 'golive-cp-test';

function job(name: string, script: string): V1Job {
  const restricted = {
    allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] },
    runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' },
  };
  return {
    metadata: { name },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 120,
      podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [99] } }] },
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'runner', image: 'docker.io/library/busybox:1.37', command: ['sh', '-c', script],
            securityContext: restricted }],
        },
      },
    },
  };
}

describe('real Kubernetes control plane', () => {
  let cp: ControlPlane;
  let kubelet: TestKubelet;
  let batch: BatchV1Api;

  beforeAll(async () => {
    cp = await startControlPlane();
    const kc = new KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    batch = kc.makeApiClient(BatchV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    // Enforcing "restricted" proves the pod template passes the real PodSecurity admission.
    await core.createNamespace({ body: { metadata: { name: NAMESPACE,
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } } });
    await waitFor('the namespace default ServiceAccount', 30_000, async () =>
      core.readNamespacedServiceAccount({ name: 'default', namespace: NAMESPACE }));
    kubelet = await startTestKubelet({ kubeconfig: kc, namespace: NAMESPACE, run: localProcessRunner() });
  }, 180_000);

  afterAll(async () => {
    await kubelet?.stop();
    await cp?.stop();
  }, 60_000);

  async function finalCondition(name: string): Promise<{ type: string; reason: string | undefined }> {
    return waitFor(`job ${name} to finish`, 60_000, async () => {
      const j = await batch.readNamespacedJobStatus({ name, namespace: NAMESPACE });
      const c = j.status?.conditions?.find((x) => (x.type === 'Failed' || x.type === 'Complete') && x.status === 'True');
      return c ? { type: c.type, reason: c.reason } : undefined;
    });
  }

  const runsOf = (name: string): string[] =>
    [...kubelet.logs.keys()].filter((k) => k.startsWith(`${NAMESPACE}/${name}-`));

  it('fails the Job at once through podFailurePolicy when the pod exits 99', async () => {
    await batch.createNamespacedJob({ namespace: NAMESPACE, body: job('breach', 'echo threshold breached; exit 99') });
    expect(await finalCondition('breach')).toEqual({ type: 'Failed', reason: 'PodFailurePolicy' });
    // backoffLimit is 3, yet FailJob means no retry.
    const runs = runsOf('breach');
    expect(runs).toHaveLength(1);
    expect(kubelet.results.get(runs[0] ?? '')).toEqual({ exitCode: 99, logs: 'threshold breached\n' });
    expect(kubelet.errors).toEqual([]);
  }, 90_000);

  it('completes the Job when the pod exits 0', async () => {
    await batch.createNamespacedJob({ namespace: NAMESPACE, body: job('pass', 'echo all good') });
    expect((await finalCondition('pass')).type).toBe('Complete');
    const j = await batch.readNamespacedJobStatus({ name: 'pass', namespace: NAMESPACE });
    expect(j.status?.succeeded).toBe(1);
    const runs = runsOf('pass');
    expect(runs).toHaveLength(1);
    expect(kubelet.logs.get(runs[0] ?? '')).toBe('all good\n');
    expect(kubelet.errors).toEqual([]);
  }, 90_000);
});
