/**
 * What every client trusts: the default roots plus the optional extra CA
 * (--ca-file adds to the roots, never replaces them; verification stays on).
 */
import { rootCertificates } from 'node:tls';

/** undefined means the default roots alone */
export function trustedCas(ca: string | undefined): string[] | undefined {
  return ca ? [...rootCertificates, ca] : undefined;
}
