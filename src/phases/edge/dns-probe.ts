/**
 * Resolves a host's A and AAAA records, timed, with a deadline that holds:
 * through the system resolver (getaddrinfo: /etc/hosts, then the configured
 * servers, what every client on this machine sees) or straight from one DNS
 * server (--dns-server), whose answers say NXDOMAIN/SERVFAIL precisely.
 */
import { isIP } from 'node:net';
import { lookup as systemLookup, Resolver } from 'node:dns/promises';
import type { DnsServer } from '../../core/dns-server.js';
import { formatDnsServer } from '../../core/dns-server.js';
import type { Clock } from '../../core/clock.js';
import { dnsErrorReason, type DnsLookup } from './dns.js';
import { errorText } from './text.js';

export interface ResolveOptions {
  server?: DnsServer;
  timeoutMs: number;
  clock: Clock;
  signal: AbortSignal;
}

const uniq = (xs: readonly string[]) => [...new Set(xs)];

function deadline<T>(p: Promise<T>, ms: number, signal: AbortSignal, onStop: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { onStop(); reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEOUT' })); }, ms);
    onAbort = () => { onStop(); reject(Object.assign(new Error('aborted'), { code: 'ABORTED' })); };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([p, stop]).finally(() => {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  });
}

const codeOf = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

async function fromSystem(host: string, opts: ResolveOptions): Promise<{ a: string[]; aaaa: string[] }> {
  // getaddrinfo cannot be cancelled; the deadline bounds our wait for it.
  const all = await deadline(systemLookup(host, { all: true, order: 'verbatim' }), opts.timeoutMs, opts.signal, () => {});
  return {
    a: uniq(all.filter((x) => x.family === 4).map((x) => x.address)),
    aaaa: uniq(all.filter((x) => x.family === 6).map((x) => x.address)),
  };
}

async function fromServer(host: string, server: DnsServer, opts: ResolveOptions): Promise<{ a: string[]; aaaa: string[] }> {
  // Two tries (c-ares doubles the wait for the second): one lost UDP packet is not a DNS outage,
  // and both still fit in the request timeout.
  const resolver = new Resolver({ timeout: Math.max(1, Math.floor(opts.timeoutMs / 3)), tries: 2 });
  resolver.setServers([formatDnsServer(server)]);
  const both = Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const [a, aaaa] = await deadline(both, opts.timeoutMs + 1000, opts.signal, () => resolver.cancel());
  if (a.status === 'fulfilled' || aaaa.status === 'fulfilled') {
    return { a: a.status === 'fulfilled' ? uniq(a.value) : [], aaaa: aaaa.status === 'fulfilled' ? uniq(aaaa.value) : [] };
  }
  // Both failed: "no records of this type" is the weakest reason, anything else says more.
  const errors = [a.reason, aaaa.reason] as unknown[];
  const telling = errors.find((e) => codeOf(e) !== 'ENODATA');
  if (telling === undefined) return { a: [], aaaa: [] };
  throw telling;
}

export async function resolveHost(host: string, opts: ResolveOptions): Promise<DnsLookup> {
  const t0 = opts.clock.now();
  try {
    const r = opts.server ? await fromServer(host, opts.server, opts) : await fromSystem(host, opts);
    return { kind: 'answers', ...r, lookupMs: opts.clock.now() - t0 };
  } catch (err) {
    return { kind: 'error', reason: dnsErrorReason(codeOf(err), errorText(err)), lookupMs: opts.clock.now() - t0 };
  }
}

/** The IPs behind an Ingress status entry (an IP, or a load balancer's name). */
export async function addressesOf(entry: string, opts: ResolveOptions): Promise<string[]> {
  if (isIP(entry) !== 0) return [entry];
  const r = await resolveHost(entry, opts);
  return r.kind === 'answers' ? [entry, ...r.a, ...r.aaaa] : [entry];
}
