/**
 * Pure: `IP[:PORT]` of a DNS server -> its parts, or undefined when it is not
 * one. No node: imports: the plan schema is also bundled into the k6 scripts.
 */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** 4, 6 or 0, like node:net isIP. */
export function isIP(s: string): 0 | 4 | 6 {
  if (IPV4.test(s)) return 4;
  if (!s.includes(':') || !/^[0-9a-fA-F:.]+$/.test(s)) return 0;
  try {
    new URL(`http://[${s}]/`);
    return 6;
  } catch {
    return 0;
  }
}

export interface DnsServer {
  ip: string;
  port: number;
}

export function parseDnsServer(text: string): DnsServer | undefined {
  const s = text.trim();
  let ip = s;
  let port = 53;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracketed) {
    ip = bracketed[1] ?? '';
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (isIP(s) === 0) {
    const i = s.lastIndexOf(':');
    if (i <= 0 || !/^\d+$/.test(s.slice(i + 1))) return undefined;
    ip = s.slice(0, i);
    port = Number(s.slice(i + 1));
  }
  if (isIP(ip) === 0 || !Number.isInteger(port) || port < 1 || port > 65_535) return undefined;
  return { ip, port };
}

/** The form node's Resolver.setServers takes. */
export function formatDnsServer(s: DnsServer): string {
  return isIP(s.ip) === 6 ? `[${s.ip}]:${s.port}` : `${s.ip}:${s.port}`;
}
