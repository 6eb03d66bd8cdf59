/**
 * One HTTPS GET with the TLS handshake observed: protocol, trust verdict,
 * host coverage and the chain as presented, plus the answer's status and
 * Strict-Transport-Security fields. Verification is judged here, not enforced,
 * so a bad certificate is reported with its chain instead of only an error;
 * the probe sends no credentials and reads no body.
 */
import { firstLine } from '../../core/errors.js';
import { request } from 'node:https';
import { checkServerIdentity, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { trustedCas } from '../../net/tls.js';
import type { SeenCert, TlsObservation } from './certificate.js';
import { clientFault } from '../../net/load/describe-error.js';
import { errorText } from './text.js';
import { oneShot } from './one-shot.js';

export interface ProbeTarget {
  /** the name in the URL: SNI, Host header and the name the certificate must cover */
  host: string;
  /** where to connect (an answer of the DNS check) */
  address: string;
  port: number;
  path: string;
  timeoutMs: number;
  signal: AbortSignal;
}

export type HttpsProbe =
  | { kind: 'answer'; tls: TlsObservation; status: number; sts: string[] }
  | { kind: 'tls-only'; tls: TlsObservation; error: string }
  /** `ours`: the hint when the cause was on our side (EMFILE, ...): never evidence against the target */
  | { kind: 'error'; error: string; ours?: string };

function dn(o: Record<string, string | string[] | undefined> | undefined): string {
  if (!o) return '';
  // The server chose these strings: capped, like every byte from the target.
  const text = Object.entries(o).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v ?? ''}`).join(', ');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export function chainOf(leaf: DetailedPeerCertificate): SeenCert[] {
  const out: SeenCert[] = [];
  const seen = new Set<DetailedPeerCertificate>();
  let c: DetailedPeerCertificate | undefined = leaf;
  while (c && Object.keys(c).length > 0 && !seen.has(c) && out.length < 16) {
    seen.add(c);
    const issuer: DetailedPeerCertificate | undefined = c.issuerCertificate;
    out.push({
      subject: dn(c.subject as unknown as Record<string, string>),
      issuer: dn(c.issuer as unknown as Record<string, string>),
      notAfter: new Date(c.valid_to),
      selfSigned: issuer === c || c.fingerprint256 === issuer?.fingerprint256,
    });
    c = issuer;
  }
  return out;
}

function observe(socket: TLSSocket, host: string): TlsObservation {
  const peer = socket.getPeerCertificate(true);
  const chain = peer && Object.keys(peer).length > 0 ? chainOf(peer) : [];
  const identity = chain.length > 0 ? checkServerIdentity(host, peer) : new Error('no certificate presented');
  const authErr = socket.authorizationError as unknown;
  return {
    protocol: socket.getProtocol(),
    authorized: socket.authorized,
    ...(authErr ? { authorizationError: String((authErr as { code?: string }).code ?? authErr) } : {}),
    ...(identity ? { identityError: firstLine(identity) || 'does not match' } : {}),
    chain,
  };
}

export function probeHttps(t: ProbeTarget, ca: string | undefined): Promise<HttpsProbe> {
  let tls: TlsObservation | undefined;
  const fail = (error: string, ours?: string): HttpsProbe => (tls ? { kind: 'tls-only', tls, error } : { kind: 'error', error, ...(ours ? { ours } : {}) });
  return oneShot<HttpsProbe>(t, fail, (finish) => {
    const cas = trustedCas(ca);
    const req = request({
      host: t.address,
      port: t.port,
      path: t.path,
      method: 'GET',
      headers: { host: t.port === 443 ? t.host : `${isIP(t.host) === 6 ? `[${t.host}]` : t.host}:${t.port}`, 'user-agent': 'golive-edge' },
      ...(isIP(t.host) === 0 ? { servername: t.host } : {}),
      ...(cas ? { ca: cas } : {}),
      agent: false,
      rejectUnauthorized: false,
      // Old protocols are allowed to connect so the check can name them: it judges, it does not trust.
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    req.on('socket', (s) => {
      (s as TLSSocket).once('secureConnect', () => { tls = observe(s as TLSSocket, t.host); });
    });
    req.on('response', (res) => {
      const sts = res.headersDistinct['strict-transport-security'] ?? [];
      if (!tls) tls = observe(res.socket as TLSSocket, t.host);
      finish({ kind: 'answer', tls, status: res.statusCode ?? 0, sts });
    });
    req.on('error', (err) => finish(fail(`${tls ? 'HTTPS request' : 'TLS handshake'} failed: ${errorText(err)}`, clientFault((err as NodeJS.ErrnoException).code ?? ''))));
    req.end();
    return req;
  });
}
