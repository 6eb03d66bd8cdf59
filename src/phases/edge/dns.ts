/**
 * Pure: a DNS lookup's outcome judged as the runbook's "DNS resolution
 * working" and, when the cluster phase runs, "Ingress shows correct IP
 * address": the answers must include the address of an Ingress serving the host.
 */
import type { EdgeCheck, EdgeDns } from '../../core/edge-report.js';

export type DnsLookup =
  | { kind: 'answers'; a: string[]; aaaa: string[]; lookupMs: number }
  | { kind: 'error'; reason: string; lookupMs: number };

export interface IngressServing {
  /** namespace/name */
  name: string;
  /** status.loadBalancer IPs, plus the IPs of its hostnames */
  addresses: string[];
}

/** What the cluster says about the host, when the cluster phase runs. */
export type IngressView = { namespace: string; serving: IngressServing[] };

/** Resolver error codes (node:dns) in DNS terms. */
export function dnsErrorReason(code: string | undefined, fallback: string): string {
  switch (code) {
    case 'ENOTFOUND': return 'NXDOMAIN (no such name)';
    case 'ESERVFAIL': return 'SERVFAIL (the server failed to answer)';
    case 'ETIMEOUT': return 'timeout (no answer from the DNS server)';
    case 'ECONNREFUSED': return 'connection refused by the DNS server';
    case 'EREFUSED': return 'REFUSED (the DNS server refused the query)';
    case 'ENODATA': return 'no A or AAAA records';
    case 'EAI_AGAIN': return 'temporary failure (SERVFAIL or timeout)';
    default: return fallback;
  }
}

function answersText(a: readonly string[], aaaa: readonly string[]): string {
  return [a.length ? `A ${a.join(', ')}` : '', aaaa.length ? `AAAA ${aaaa.join(', ')}` : ''].filter(Boolean).join('; ');
}

function ingressProblem(answers: readonly string[], view: IngressView, host: string): string | undefined {
  if (view.serving.length === 0) return `no Ingress in namespace ${view.namespace} has a rule for ${host}`;
  const withAddress = view.serving.filter((i) => i.addresses.length > 0);
  if (withAddress.length === 0) return `Ingress ${view.serving.map((i) => i.name).join(', ')} serving ${host} has no address yet`;
  const norm = (s: string) => s.toLowerCase();
  const answered = new Set(answers.map(norm));
  if (withAddress.some((i) => i.addresses.some((x) => answered.has(norm(x))))) return undefined;
  const shows = withAddress.map((i) => `Ingress ${i.name} shows ${i.addresses.join(', ')}`).join('; ');
  return `${host} resolves to ${answers.join(', ')} but ${shows}`;
}

export function judgeDns(host: string, server: string, lookup: DnsLookup, ingress?: IngressView): { check: EdgeCheck; dns: EdgeDns } {
  const via = `${server === 'system' ? 'system resolver' : `DNS server ${server}`}, ${Math.round(lookup.lookupMs)} ms`;
  if (lookup.kind === 'error') {
    return { check: { name: 'dns', status: 'failed', detail: `${host}: ${lookup.reason} (${via})` }, dns: { server, a: [], aaaa: [], lookupMs: lookup.lookupMs } };
  }
  const dns: EdgeDns = {
    server, a: lookup.a, aaaa: lookup.aaaa, lookupMs: lookup.lookupMs,
    ...(ingress ? { ingress: ingress.serving.map((i) => ({ name: i.name, addresses: i.addresses })) } : {}),
  };
  const answers = [...lookup.a, ...lookup.aaaa];
  if (answers.length === 0) return { check: { name: 'dns', status: 'failed', detail: `${host}: no A or AAAA records (${via})` }, dns };
  const measured = `${host} -> ${answersText(lookup.a, lookup.aaaa)} (${via})`;
  const problem = ingress ? ingressProblem(answers, ingress, host) : undefined;
  if (problem) return { check: { name: 'dns', status: 'failed', detail: `${problem} (${via})` }, dns };
  const matched = ingress ? `; matches the Ingress address` : '';
  return { check: { name: 'dns', status: 'passed', detail: `${measured}${matched}` }, dns };
}

/** Pure: does an Ingress rule host (exact or `*.` wildcard of one label) match? */
export function ruleMatches(ruleHost: string, host: string): boolean {
  const r = ruleHost.toLowerCase();
  const h = host.toLowerCase();
  if (!r.startsWith('*.')) return r === h;
  const suffix = r.slice(1);
  return h.endsWith(suffix) && !h.slice(0, -suffix.length).includes('.') && h.length > suffix.length;
}
