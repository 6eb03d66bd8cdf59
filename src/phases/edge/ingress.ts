/**
 * For "Ingress shows correct IP address": the Ingresses of the cluster
 * phase's namespace with a rule for the host, and the addresses their status
 * shows (a load balancer's name is resolved the same way as the host).
 */
import type { V1Ingress } from '@kubernetes/client-node';
import { call, loadKubeConfig, makeClients, type K8sClients } from '../../net/k8s-client.js';
import { ruleMatches, type IngressServing, type IngressView } from './dns.js';

/** Pure: the Ingresses serving `host`, with their status entries (IPs or names). */
export function servingIngresses(items: readonly V1Ingress[], host: string): { name: string; entries: string[] }[] {
  return items
    .filter((i) => (i.spec?.rules ?? []).some((r) => r.host !== undefined && ruleMatches(r.host, host)))
    .map((i) => ({
      name: `${i.metadata?.namespace ?? ''}/${i.metadata?.name ?? ''}`,
      entries: (i.status?.loadBalancer?.ingress ?? []).flatMap((a) => [a.ip, a.hostname]).filter((a): a is string => !!a),
    }));
}

export async function readIngressView(
  host: string,
  cluster: { namespace: string; kubeconfig?: string | undefined },
  resolve: (entry: string) => Promise<string[]>,
  clients?: K8sClients,
): Promise<IngressView> {
  const c = clients ?? makeClients(loadKubeConfig(cluster.kubeconfig));
  const ns = cluster.namespace;
  const list = await call(c, `list ingresses in ${ns}`, () => c.networking.listNamespacedIngress({ namespace: ns }));
  const serving: IngressServing[] = [];
  for (const s of servingIngresses(list.items, host)) {
    const addresses = (await Promise.all(s.entries.map(resolve))).flat();
    serving.push({ name: s.name, addresses: [...new Set(addresses)] });
  }
  return { namespace: ns, serving };
}
