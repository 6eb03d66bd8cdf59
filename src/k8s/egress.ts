/**
 * Pure: where the runners' NetworkPolicy lets them connect, besides DNS.
 *
 * - an in-cluster URL (`<service>.<namespace>.svc[.<domain>]`, or a bare `<service>` in the
 *   pods' own namespace) opens its port to the pods of that namespace;
 * - any other host (a public name, an IP) is outside the pod network: it is reachable only
 *   through an explicit `--egress-cidr`, otherwise the plan is refused (104) instead of being
 *   silently blocked at run time;
 * - the API server (cluster phase only) is reachable at its own addresses: from the
 *   `kubernetes` Service's EndpointSlice, or `--api-server-cidr`, never "anything on 443".
 */
import { isIP } from 'node:net';
import type { Plan } from '../contract/plan.js';
import { GoliveError } from '../core/errors.js';
import { redactUrl } from '../core/redact.js';
import type { ApiServerAddress, EgressRule } from './types.js';

export interface EgressOptions {
  /** where the runner pods run: a bare Service name resolves there */
  podNamespace: string;
  /** --egress-cidr: addresses of the URLs outside the cluster */
  egressCidrs: readonly string[];
  /** required when the cluster phase runs */
  apiServer?: ApiServerAddress;
}

/** Ports the API server is commonly served on, for --api-server-cidr (the Service's 443, the server's 6443). */
export const API_SERVER_DEFAULT_PORTS = [443, 6443];

const usage = (msg: string) => new GoliveError('GOLIVE_USAGE', msg);

export function urlPort(url: string): number {
  const u = new URL(url);
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}

/** The namespace of an in-cluster Service host, or undefined for a host outside the cluster. */
export function serviceNamespace(host: string, podNamespace: string): string | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (isIP(h.replace(/^\[|\]$/g, '')) !== 0) return undefined;
  const labels = h.split('.');
  if (labels.length === 1) return podNamespace;
  return labels[2] === 'svc' ? labels[1] : undefined;
}

/** `a.b.c.d/n` or an IPv6 prefix; one line naming the flag otherwise. */
export function parseCidr(flag: string, value: string): string {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(value.trim());
  const family = m ? isIP(m[1] ?? '') : 0;
  const bits = Number(m?.[2]);
  if (!m || family === 0 || bits > (family === 4 ? 32 : 128)) {
    throw usage(`${flag}: expected an address range like 203.0.113.10/32 or 2001:db8::/64, got "${value}"`);
  }
  return `${m[1]}/${bits}`;
}

interface Endpoint { flag: string; url: string; what: string }

function planUrls(plan: Plan): Endpoint[] {
  const p = plan.prometheus;
  const all: Array<[string, string | undefined, string]> = [
    ['--target', plan.target, 'the target'],
    ['--prometheus-rw-url', p.remoteWriteUrl, 'Prometheus remote write'],
    ['--pushgateway-url', p.pushgatewayUrl, 'the Pushgateway'],
    ['--prometheus-url', p.url, 'the Prometheus API'],
    ['--grafana-url', p.grafanaUrl, 'Grafana'],
  ];
  return all.flatMap(([flag, url, what]) => (url === undefined ? [] : [{ flag, url, what }]));
}

const sorted = (xs: Iterable<number>) => [...new Set(xs)].sort((a, b) => a - b);

export function planEgress(plan: Plan, o: EgressOptions): EgressRule[] {
  const byNamespace = new Map<string, { ports: number[]; why: string[] }>();
  const external: Endpoint[] = [];
  for (const e of planUrls(plan)) {
    const ns = serviceNamespace(new URL(e.url).hostname, o.podNamespace);
    // The edge phase opens the target's port to any address itself (network-policy.ts: it
    // probes wherever DNS points), so an external target needs no --egress-cidr then.
    if (ns === undefined && e.flag === '--target' && plan.phases.includes('edge')) continue;
    if (ns === undefined) { external.push(e); continue; }
    const entry = byNamespace.get(ns) ?? { ports: [], why: [] };
    entry.ports.push(urlPort(e.url));
    entry.why.push(e.what);
    byNamespace.set(ns, entry);
  }
  const rules: EgressRule[] = [...byNamespace].map(([namespace, e]) => ({ kind: 'pods', namespace, ports: sorted(e.ports), why: e.why.join(', ') }));

  const cidrs = o.egressCidrs.map((c) => parseCidr('--egress-cidr', c));
  if (external.length > 0) {
    if (cidrs.length === 0) {
      const first = external[0]!;
      throw usage(`--egress-cidr: ${first.flag} ${redactUrl(first.url)} is outside the cluster (not a <service>.<namespace>.svc name), so the runners' NetworkPolicy would block it; pass its addresses with --egress-cidr, e.g. --egress-cidr 203.0.113.10/32`);
    }
    rules.push({ kind: 'cidr', cidrs, ports: sorted(external.map((e) => urlPort(e.url))), why: external.map((e) => e.what).join(', ') });
  } else if (cidrs.length > 0) {
    throw usage('--egress-cidr: every URL of the plan is inside the cluster; leave the flag out (it would open egress nobody uses)');
  }

  if (plan.phases.includes('cluster')) {
    if (!o.apiServer) throw usage('--api-server-cidr: the cluster phase needs the API server\'s addresses for the runners\' NetworkPolicy; pass --api-server-cidr CIDR (kubectl get endpointslice kubernetes -n default shows them)');
    rules.push({ kind: 'cidr', cidrs: o.apiServer.cidrs, ports: sorted(o.apiServer.ports), why: `the API server (cluster phase; from ${o.apiServer.source === 'flag' ? '--api-server-cidr' : 'the kubernetes Service\'s endpoints'})` });
  }
  return rules;
}
