/**
 * What every client trusts: the default roots plus the optional extra CA
 * (--ca-file adds to the roots, never replaces them; verification stays on).
 */
import { rootCertificates } from 'node:tls';

/** undefined means the default roots alone */
export function trustedCas(ca: string | undefined): string[] | undefined {
  return ca ? [...rootCertificates, ca] : undefined;
}

/**
 * The same trust as one PEM bundle, for programs that take a file (k6 reads
 * SSL_CERT_FILE, which in Go replaces the system roots instead of adding).
 */
export function trustedCaBundle(ca: string): string {
  return `${(trustedCas(ca) ?? []).map((c) => c.trim()).join('\n')}\n`;
}
