/** The read-only API calls of the cluster phase, each with a deadline and a one-line error. */
import type {
  V1Deployment, V1EndpointSlice, V1Ingress, V1Pod, V1Service, V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { call, type K8sClients } from '../../net/k8s-client.js';
import { hpaSample, type HpaSample } from './evaluate.js';

export interface ClusterState {
  deployments: V1Deployment[];
  pods: V1Pod[];
  services: V1Service[];
  slices: V1EndpointSlice[];
  ingresses: V1Ingress[];
  hpas: HpaSample[];
}

export async function readHpas(c: K8sClients, namespace: string, now: () => number = Date.now): Promise<HpaSample[]> {
  const list = await call(c, `list horizontalpodautoscalers in ${namespace}`,
    () => c.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }));
  const at = now();
  return list.items.map((h) => hpaSample(h, at));
}

export async function readClusterState(c: K8sClients, namespace: string, now: () => number = Date.now): Promise<ClusterState> {
  const [deployments, pods, services, slices, ingresses, hpas] = await Promise.all([
    call(c, `list deployments in ${namespace}`, () => c.apps.listNamespacedDeployment({ namespace })),
    call(c, `list pods in ${namespace}`, () => c.core.listNamespacedPod({ namespace })),
    call(c, `list services in ${namespace}`, () => c.core.listNamespacedService({ namespace })),
    call(c, `list endpointslices in ${namespace}`, () => c.discovery.listNamespacedEndpointSlice({ namespace })),
    call(c, `list ingresses in ${namespace}`, () => c.networking.listNamespacedIngress({ namespace })),
    readHpas(c, namespace, now),
  ]);
  return { deployments: deployments.items, pods: pods.items, services: services.items, slices: slices.items, ingresses: ingresses.items, hpas };
}
