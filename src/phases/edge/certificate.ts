/**
 * Pure: what the TLS handshake showed, judged as the runbook's "SSL
 * certificates active": trusted (default roots plus --ca-file), covering the
 * host, TLS 1.2 or newer, and no certificate of the presented chain (leaf and
 * intermediates) expiring within certFailDays (warning within certWarnDays).
 */
import type { ChainEntry, EdgeCertificate, EdgeCheck } from '../../core/edge-report.js';

/** One certificate as the handshake gave it, before judging. */
export interface SeenCert {
  subject: string;
  issuer: string;
  notAfter: Date;
  selfSigned: boolean;
}

export interface TlsObservation {
  protocol: string | null;
  /** the chain verified against the trusted roots */
  authorized: boolean;
  /** OpenSSL's code, e.g. CERT_HAS_EXPIRED, SELF_SIGNED_CERT_IN_CHAIN */
  authorizationError?: string;
  /** set when the leaf does not cover the host name */
  identityError?: string;
  /** leaf first, each followed by its issuer */
  chain: SeenCert[];
}

export interface CertLimits {
  warnDays: number;
  failDays: number;
}

const DAY_MS = 86_400_000;
const PROTOCOLS = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const MIN_PROTOCOL = 'TLSv1.2';

export function chainEntries(chain: readonly SeenCert[], now: Date): ChainEntry[] {
  return chain.map((c, i) => ({
    role: i === 0 ? 'leaf' : c.selfSigned ? 'root' : 'intermediate',
    subject: c.subject,
    issuer: c.issuer,
    notAfter: Number.isFinite(c.notAfter.getTime()) ? c.notAfter.toISOString() : 'unknown',
    daysLeft: Math.floor((c.notAfter.getTime() - now.getTime()) / DAY_MS),
  }));
}

const name = (e: ChainEntry): string => `${e.role} ${e.subject}`;
const date = (e: ChainEntry): string => e.notAfter.slice(0, 10);

/**
 * Roots come from the trust store, not from the server, so their dates are not
 * the site's to renew; a lone self-signed certificate is the leaf and counts.
 */
function judged(entries: readonly ChainEntry[]): ChainEntry[] {
  return entries.filter((e) => e.role !== 'root');
}

function protocolTooOld(p: string | null): boolean {
  const i = PROTOCOLS.indexOf(p ?? '');
  return i >= 0 && i < PROTOCOLS.indexOf(MIN_PROTOCOL);
}

const TRUST_HINTS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed; pass its CA with --ca-file if it is yours',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in an unknown self-signed root; pass it with --ca-file if it is yours',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issuer unknown: the server may not send its intermediates, or the CA is not trusted (--ca-file)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'issuer unknown: the server may not send its intermediates',
};

export function judgeCertificate(obs: TlsObservation, host: string, now: Date, limits: CertLimits): { check: EdgeCheck; certificate: EdgeCertificate } {
  const chain = chainEntries(obs.chain, now);
  const judgedEntries = judged(chain);
  const earliest = judgedEntries.reduce<ChainEntry | undefined>((a, e) => (a === undefined || e.daysLeft < a.daysLeft ? e : a), undefined);
  const certificate: EdgeCertificate = {
    ...(obs.protocol ? { protocol: obs.protocol } : {}),
    chain,
    ...(earliest ? { earliestNotAfter: earliest.notAfter } : {}),
  };
  const problems: string[] = [];
  const expired = judgedEntries.filter((e) => e.daysLeft < 0);
  for (const e of expired) problems.push(`${name(e)} expired on ${date(e)} (${-e.daysLeft} days ago)`);
  if (expired.length === 0 && earliest && earliest.daysLeft < limits.failDays) {
    problems.push(`${name(earliest)} expires in ${earliest.daysLeft} days (${date(earliest)}), fail below ${limits.failDays} days`);
  }
  // Node reports a name mismatch as the authorization error too; it is named once, below.
  const explained = (obs.authorizationError === 'CERT_HAS_EXPIRED' && expired.length > 0)
    || (obs.authorizationError === 'ERR_TLS_CERT_ALTNAME_INVALID' && obs.identityError !== undefined);
  if (!obs.authorized && !explained) {
    const code = obs.authorizationError ?? 'not verified';
    problems.push(`not trusted: ${code}${TRUST_HINTS[code] ? ` (${TRUST_HINTS[code]})` : ''}`);
  }
  if (obs.identityError) problems.push(`does not cover ${host}: ${obs.identityError}`);
  if (protocolTooOld(obs.protocol)) problems.push(`negotiated ${obs.protocol ?? 'an unknown protocol'}, wanted ${MIN_PROTOCOL} or newer`);
  if (problems.length > 0) return { check: { name: 'certificate', status: 'failed', detail: problems.join('; ') }, certificate };

  const summary = `${obs.protocol ?? 'TLS'}, chain of ${chain.length}`;
  if (earliest && earliest.daysLeft < limits.warnDays) {
    return {
      check: { name: 'certificate', status: 'warned', detail: `${summary}; ${name(earliest)} expires in ${earliest.daysLeft} days (${date(earliest)}), warn below ${limits.warnDays} days` },
      certificate,
    };
  }
  const soonest = earliest ? `; earliest expiry ${date(earliest)} (${name(earliest)}, ${earliest.daysLeft} days left)` : '';
  return { check: { name: 'certificate', status: 'passed', detail: `${summary}${soonest}` }, certificate };
}
