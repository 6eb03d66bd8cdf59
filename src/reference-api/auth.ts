/** Bearer-token check in constant time: compare fixed-length digests, never the raw strings. */
import { createHash, timingSafeEqual } from 'node:crypto';

export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** A secret given by the caller against the expected digest, in constant time. */
export function secretMatches(candidate: string, expected: Buffer): boolean {
  return timingSafeEqual(tokenDigest(candidate), expected);
}

export function bearerMatches(authorization: string | undefined, expected: Buffer): boolean {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  // Hash even when the header is absent so both paths cost the same.
  return secretMatches(m?.[1] ?? '', expected) && m !== null;
}
