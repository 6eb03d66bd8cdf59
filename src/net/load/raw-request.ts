/**
 * The raw client's request, serialized once (pure). Returns undefined for
 * what the raw client leaves to undici: headers that frame the message or
 * manage the connection (content-length, transfer-encoding, connection,
 * keep-alive, upgrade, expect, te, trailer), and names or values undici
 * would reject as invalid, so that those keep undici's behaviour exactly.
 */
import type { LoadRequest } from './types.js';

export interface RawTarget {
  tls: boolean;
  /** for net/tls.connect: an IPv6 literal without brackets */
  host: string;
  port: number;
  /** TLS SNI: only for a DNS name, never an IP literal */
  servername: string | undefined;
  request: Buffer;
  /** GET or HEAD: may be resent once when a reused connection dies before answering */
  idempotent: boolean;
}

const LEFT_TO_UNDICI = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer']);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values: visible ASCII, obs-text, space and tab; no CR, LF or NUL.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function rawTarget(origin: string, req: LoadRequest): RawTarget | undefined {
  const url = new URL(origin);
  const tls = url.protocol === 'https:';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port ? Number(url.port) : tls ? 443 : 80;
  const lines = [`${req.method} ${req.path} HTTP/1.1`];
  const headers = req.headers ?? {};
  let hasHost = false;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (LEFT_TO_UNDICI.has(lower) || !TOKEN.test(name) || !FIELD_VALUE.test(value)) return undefined;
    if (lower === 'host') hasHost = true;
    lines.push(`${name}: ${value}`);
  }
  if (!hasHost) lines.splice(1, 0, `host: ${url.host}`);
  if (/[\s\x00-\x1f\x7f]/.test(req.path)) return undefined;
  const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
  // Like undici: a POST always says how long its (possibly empty) body is.
  if (body !== undefined || req.method === 'POST') lines.push(`content-length: ${body?.length ?? 0}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return {
    tls,
    host,
    port,
    servername: tls && !IPV4.test(host) && !host.includes(':') ? host : undefined,
    request: body === undefined ? head : Buffer.concat([head, body]),
    idempotent: req.method === 'GET',
  };
}
