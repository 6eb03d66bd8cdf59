/**
 * What the edge phase measured, carried in RunResult.golive.edge so every
 * report shows the measured value of each check, not only failures.
 */

export type EdgeCheckName = 'dns' | 'certificate' | 'redirect' | 'hsts';

/** `warned` passed but deserves a note (a certificate expiring within the warning window). */
export type EdgeCheckStatus = 'passed' | 'warned' | 'failed' | 'skipped';

export interface EdgeCheck {
  name: EdgeCheckName;
  status: EdgeCheckStatus;
  /** the measured value when it passed, what was wrong when not, why when skipped; one line */
  detail: string;
}

export interface ChainEntry {
  /** leaf, intermediate or root (self-signed) */
  role: 'leaf' | 'intermediate' | 'root';
  subject: string;
  issuer: string;
  /** ISO 8601 */
  notAfter: string;
  /** whole days from the run to notAfter, rounded down; negative when expired */
  daysLeft: number;
}

export interface EdgeCertificate {
  /** negotiated protocol, e.g. TLSv1.3 */
  protocol?: string;
  chain: ChainEntry[];
  /** ISO 8601, earliest notAfter in the chain */
  earliestNotAfter?: string;
}

export interface EdgeRedirect {
  url: string;
  status?: number;
  location?: string;
}

export interface EdgeHsts {
  header?: string;
  maxAgeSeconds?: number;
  includeSubDomains?: boolean;
  preload?: boolean;
}

export interface EdgeDns {
  /** 'system' or the --dns-server IP:PORT */
  server: string;
  a: string[];
  aaaa: string[];
  lookupMs: number;
  /** the Ingress addresses the answers were compared with, when the cluster phase runs */
  ingress?: { name: string; addresses: string[] }[];
}

export interface EdgeReport {
  host: string;
  /** set when another engine ran the rest: the edge phase always runs in Node */
  ranIn?: string;
  checks: EdgeCheck[];
  dns?: EdgeDns;
  certificate?: EdgeCertificate;
  redirect?: EdgeRedirect;
  hsts?: EdgeHsts;
}
