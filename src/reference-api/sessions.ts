/**
 * Session tokens issued by POST /api/v1/auth/login: random, short-lived and
 * bounded in number, so a login loop cannot grow the server's memory.
 */
import { randomBytes } from 'node:crypto';

export const SESSION_TTL_SECONDS = 3600;
const MAX_SESSIONS = 10_000;

export interface Sessions {
  issue(nowMs: number): string;
  valid(token: string, nowMs: number): boolean;
}

export function createSessions(random: (n: number) => Buffer = randomBytes): Sessions {
  // Map keeps insertion order: the first key is the oldest session.
  const expiry = new Map<string, number>();
  return {
    issue(nowMs) {
      const token = random(24).toString('base64url');
      if (expiry.size >= MAX_SESSIONS) {
        const oldest = expiry.keys().next().value;
        if (oldest !== undefined) expiry.delete(oldest);
      }
      expiry.set(token, nowMs + SESSION_TTL_SECONDS * 1000);
      return token;
    },
    valid(token, nowMs) {
      const until = expiry.get(token);
      if (until === undefined) return false;
      if (until <= nowMs) {
        expiry.delete(token);
        return false;
      }
      return true;
    },
  };
}

/** The token of an `Authorization: Bearer X` header, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')?.[1];
}
