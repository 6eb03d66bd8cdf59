/**
 * The proxy environment curl and k6 honour (HTTPS_PROXY, HTTP_PROXY,
 * ALL_PROXY, NO_PROXY, in either case). The node engine sends to the target
 * directly, so a proxy that would route the target is refused before the
 * first request (exit 104, naming the variable) instead of being silently
 * bypassed: on a network that only lets a proxy out, a direct request would
 * blame the target for our route. Pure: the environment is passed in.
 */
import { GoliveError } from '../core/errors.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Hosts a proxy never carries when NO_PROXY is not set at all (as k6 never proxies loopback). */
const LOOPBACK = ['localhost', '127.0.0.1', '::1'];

function firstSet(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { name, value };
  }
  return undefined;
}

/** `host`, `.domain`, `*.domain`, `host:port`, `[v6]:port` or a bare IPv6 address. */
function splitEntry(entry: string): { name: string; entryPort?: string } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (v6?.[1]) return v6[2] ? { name: v6[1], entryPort: v6[2] } : { name: v6[1] };
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  const name = (hostPort?.[1] ?? entry).replace(/^\*?\./, '');
  return hostPort?.[2] ? { name, entryPort: hostPort[2] } : { name };
}

/** Whether NO_PROXY (a comma-separated list: `*`, hosts, `.domain` suffixes, `host:port`) excludes host:port. */
export function excludedByNoProxy(host: string, port: string, noProxy: string | undefined): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (noProxy === undefined) return LOOPBACK.includes(h) || /^127\./.test(h);
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const { name, entryPort } = splitEntry(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (h === name || h.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** The proxy variable that would route `target`, if any. */
export function proxyFor(target: string, env: Env): { name: string; value: string } | undefined {
  const url = new URL(target);
  const tls = url.protocol === 'https:';
  const proxy = firstSet(env, tls ? ['https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'] : ['http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY']);
  if (!proxy) return undefined;
  const noProxy = env['no_proxy'] ?? env['NO_PROXY'];
  const port = url.port || (tls ? '443' : '80');
  return excludedByNoProxy(url.hostname, port, noProxy) ? undefined : proxy;
}

/** Refuses (104) a proxy the node engine would bypass for the target. */
export function checkProxyEnv(target: string, env: Env): void {
  const proxy = proxyFor(target, env);
  if (!proxy) return;
  throw new GoliveError('GOLIVE_INVALID_CONFIG',
    `${proxy.name} is set and would route --target ${new URL(target).origin}, but the node engine sends directly: `
    + 'unset it, add the target host to NO_PROXY, or use --engine k6 (which sends through it)');
}
