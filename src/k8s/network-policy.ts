/**
 * Egress for the runner pods: DNS plus the rules of src/k8s/egress.ts (in-cluster Services
 * by namespace, external addresses and the API server by CIDR). No ingress at all: nothing
 * calls a runner.
 */
import type { V1NetworkPolicy, V1NetworkPolicyEgressRule } from '@kubernetes/client-node';
import { parseDnsServer } from '../core/dns-server.js';
import type { Plan } from '../contract/plan.js';
import { urlPort } from './egress.js';
import { APP, baseLabels, LABEL_COMPONENT, LABEL_NAME } from './names.js';
import type { EgressRule, RunnerPlan } from './types.js';

const NS_LABEL = 'kubernetes.io/metadata.name';

function toRule(r: EgressRule): V1NetworkPolicyEgressRule {
  const ports = r.ports.map((port) => ({ protocol: 'TCP', port }));
  if (r.kind === 'pods') return { to: [{ namespaceSelector: { matchLabels: { [NS_LABEL]: r.namespace } }, podSelector: {} }], ports };
  return { to: r.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports };
}

/**
 * The edge probes go where DNS points, usually a load balancer outside the
 * namespace: the HTTPS and redirect ports anywhere, and a --dns-server by its IP.
 */
function edgeEgress(plan: Plan): V1NetworkPolicyEgressRule[] {
  const ports = [...new Set([urlPort(plan.target), plan.edge.httpPort])].sort((a, b) => a - b);
  const out: V1NetworkPolicyEgressRule[] = [{ ports: ports.map((port) => ({ protocol: 'TCP', port })) }];
  const server = plan.edge.dnsServer ? parseDnsServer(plan.edge.dnsServer) : undefined;
  if (server) {
    out.push({
      to: [{ ipBlock: { cidr: `${server.ip}/${server.ip.includes(':') ? 128 : 32}` } }],
      ports: [{ protocol: 'UDP', port: server.port }, { protocol: 'TCP', port: server.port }],
    });
  }
  return out;
}

export function buildNetworkPolicy(plan: RunnerPlan): V1NetworkPolicy {
  const dns: V1NetworkPolicyEgressRule = {
    to: [{ namespaceSelector: { matchLabels: { [NS_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
  };
  // The edge probes (edge phase) are the one exception to naming every peer: see edgeEgress.
  const edge = plan.plan.phases.includes('edge') ? edgeEgress(plan.plan) : [];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${APP}-runner`, namespace: plan.namespace, labels: baseLabels('network') },
    spec: {
      podSelector: { matchLabels: { [LABEL_NAME]: APP, [LABEL_COMPONENT]: 'runner' } },
      policyTypes: ['Ingress', 'Egress'],
      egress: [dns, ...plan.egress.map(toRule), ...edge],
    },
  };
}
