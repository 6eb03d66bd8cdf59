/**
 * Egress for the runner pods: DNS, the target, Prometheus (when configured) and, only
 * when the cluster phase runs, the API server. No ingress at all: nothing calls a runner.
 */
import type { V1NetworkPolicy, V1NetworkPolicyEgressRule, V1NetworkPolicyPeer } from '@kubernetes/client-node';
import { parseDnsServer } from '../config/dns-server.js';
import type { Plan } from '../config/schema.js';
import { APP, baseLabels, LABEL_COMPONENT, LABEL_NAME } from './names.js';
import type { EgressPeer, RunnerPlan } from './types.js';

const NS_LABEL = 'kubernetes.io/metadata.name';

function peer(p: EgressPeer): V1NetworkPolicyPeer {
  return {
    podSelector: { matchLabels: p.podLabels },
    ...(p.namespace ? { namespaceSelector: { matchLabels: { [NS_LABEL]: p.namespace } } } : {}),
  };
}

function rule(p: EgressPeer): V1NetworkPolicyEgressRule {
  return { to: [peer(p)], ports: p.ports.map((port) => ({ protocol: 'TCP', port })) };
}

export function urlPort(url: string): number {
  const u = new URL(url);
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}

/** Defaults: every pod of the app namespace on the target's port; Prometheus in the runbook's `signal-trading-monitoring`. */
export function defaultEgress(plan: Plan): RunnerPlan['egress'] {
  const promUrls = [plan.prometheus.remoteWriteUrl, plan.prometheus.pushgatewayUrl, plan.prometheus.url]
    .filter((u): u is string => u !== undefined);
  const target: EgressPeer = { podLabels: {}, namespace: plan.cluster.namespace, ports: [urlPort(plan.target)] };
  if (promUrls.length === 0) return { target };
  const ports = [...new Set(promUrls.map(urlPort))].sort((a, b) => a - b);
  return { target, prometheus: { podLabels: {}, namespace: 'signal-trading-monitoring', ports } };
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
  const egress = [dns, rule(plan.egress.target)];
  if (plan.egress.prometheus) egress.push(rule(plan.egress.prometheus));
  // The API server is not a pod a selector can name; allow its ports only when the cluster phase needs it.
  if (plan.plan.phases.includes('cluster')) {
    egress.push({ ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] });
  }
  if (plan.plan.phases.includes('edge')) egress.push(...edgeEgress(plan.plan));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${APP}-runner`, namespace: plan.namespace, labels: baseLabels('network') },
    spec: {
      podSelector: { matchLabels: { [LABEL_NAME]: APP, [LABEL_COMPONENT]: 'runner' } },
      policyTypes: ['Ingress', 'Egress'],
      egress,
    },
  };
}
