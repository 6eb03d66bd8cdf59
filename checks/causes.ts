/**
 * One root cause, one line: a failure's raw reason (an error code, a status,
 * an OpenSSL message) turned into the sentence a launch engineer acts on, and
 * a capped snippet of what the target sent. Pure and engine-neutral (bundled
 * into the k6 scripts too): no node:* imports.
 */

/** What kind of cause a reason is; `other` keeps the reason as it was. */
export type CauseKind = 'plain-http' | 'refused' | 'credentials-rejected' | 'status' | 'schema' | 'other';

export interface Cause {
  kind: CauseKind;
  /** the one line a report prints */
  line: string;
}

/** Characters of a body quoted next to a status; the rest is counted, not copied. */
export const SNIPPET_CHARS = 120;

// C0/C1 controls and bidi overrides: the body is the target's text.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A body as a reason quotes it: one line, at most SNIPPET_CHARS characters.
 * Objects are serialised (the body is already capped by the client), and a
 * body too deep to serialise is named, never walked further.
 */
export function bodySnippet(body: unknown, max = SNIPPET_CHARS): string | undefined {
  let text: string | undefined;
  const plain = body !== null && typeof body === 'object' && (Array.isArray(body) || Object.getPrototypeOf(body) === Object.prototype);
  if (typeof body === 'string') text = body;
  else if (plain) {
    try {
      text = JSON.stringify(body);
    } catch {
      return 'a body too deep to quote';
    }
  }
  if (text === undefined) return undefined;
  const one = text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  if (one === '') return undefined;
  return one.length > max ? `${one.slice(0, max)}… (${text.length} characters)` : one;
}

// Parsed by hand: k6 has no URL global.
const ORIGIN = /^(https?):\/\/(?:[^@/?#]*@)?([^/?#]+)(\/[^?#]*)?/i;

/** `https://host:port/base` → `http://host:port/base`, the URL the user meant. */
function asPlainHttp(target: string | undefined): string | undefined {
  const m = target === undefined ? null : ORIGIN.exec(target);
  if (!m || m[1]?.toLowerCase() !== 'https') return undefined;
  const path = m[3] === undefined || m[3] === '/' ? '' : m[3];
  return `http://${m[2] ?? ''}${path}`;
}

/** `host:port` of the target, the default port spelled out. */
function hostPort(target: string | undefined): string {
  const m = target === undefined ? null : ORIGIN.exec(target);
  if (!m || m[2] === undefined) return 'the target';
  const host = m[2];
  if (/:\d+$/.test(host)) return host;
  return `${host}:${m[1]?.toLowerCase() === 'https' ? 443 : 80}`;
}

/** OpenSSL's words when the peer answered a TLS hello in plain HTTP. */
const PLAIN_HTTP = /ERR_SSL_WRONG_VERSION_NUMBER|wrong version number|ERR_SSL_PACKET_LENGTH_TOO_LONG|packet length too long|http request\b.*\bssl|tls: first record does not look like a TLS handshake/i;
const REFUSED = /ECONNREFUSED|connection refused/i;
const STATUS = /^got status (\d{3})\b/;

export interface CauseContext {
  /** the run's target URL (redacted), to name host:port and suggest http:// */
  target?: string;
}

/** How a refusal of the user's own credentials begins. */
export const TOKEN_REJECTED = 'the token was rejected';

/** The reason of an authenticated call answered 401/403: the credentials, not the data, are wrong. */
export function tokenRejected(statusText: string): string {
  return `${TOKEN_REJECTED}: ${statusText}`;
}

/** The cause of one failure reason, in one line. */
export function classifyCause(reason: string, ctx: CauseContext = {}): Cause {
  if (PLAIN_HTTP.test(reason)) {
    const suggest = asPlainHttp(ctx.target);
    return {
      kind: 'plain-http',
      line: `${hostPort(ctx.target)} speaks plain HTTP, not TLS${suggest ? `: use ${suggest}` : ''}`,
    };
  }
  // A reason naming its own URL (the edge's redirect probe of port 80) was refused there, not at the target.
  if (REFUSED.test(reason)) return { kind: 'refused', line: `connection refused: nothing listens on ${hostPort(/https?:\/\/[^\s/?#]+/i.exec(reason)?.[0] ?? ctx.target)}` };
  if (reason.startsWith(TOKEN_REJECTED)) return { kind: 'credentials-rejected', line: reason };
  if (STATUS.test(reason)) return { kind: 'status', line: reason };
  return { kind: 'other', line: reason };
}

/** The prefix of a check that did not run because a step it needs failed. */
export const NOT_RUN = 'not run: ';

export function notRunReason(why: string): string {
  return `${NOT_RUN}${why}`;
}

export function isNotRun(reason: string | undefined): boolean {
  return reason !== undefined && (reason.startsWith(NOT_RUN) || reason.startsWith('not checked: '));
}
