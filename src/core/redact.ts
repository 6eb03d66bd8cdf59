/**
 * The one redaction for URLs that golive prints or writes (console, progress,
 * summary.json, junit.xml, report.html, --emit-result, error lines, k6's
 * forwarded log, delivery errors): credentials hide in the userinfo
 * (`user:pass@`, a password may itself contain `@`), in the query string
 * (`?api_key=`, `?token=`) and in the fragment (`#access_token=`).
 *
 * - userinfo is removed;
 * - every query value is replaced by `***` (names stay, so the reader still
 *   sees which URL it was); a bare `?secret` (no `=`) becomes `***`;
 * - a fragment becomes `#***`.
 *
 * A URL with none of these is returned exactly as given, so redaction never
 * changes what a clean report says.
 */
export const MASK = '***';

function maskQuery(query: string): string {
  if (query === '') return '';
  return query.split('&').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? (part === '' ? '' : MASK) : `${part.slice(0, eq)}=${MASK}`;
  }).join('&');
}

interface UrlParts { head: string; userinfo: string; rest: string; query?: string; fragment?: string }

/**
 * Split by WHATWG's rules for special schemes, on strings only (this module is also
 * bundled into the k6 scripts, whose runtime has no WHATWG URL): the authority ends
 * at the first `/`, `?` or `#`, and the userinfo is everything up to its LAST `@`.
 */
function split(raw: string): UrlParts {
  const hashAt = raw.indexOf('#');
  const noFrag = hashAt < 0 ? raw : raw.slice(0, hashAt);
  const qAt = noFrag.indexOf('?');
  const noQuery = qAt < 0 ? noFrag : noFrag.slice(0, qAt);
  const scheme = noQuery.indexOf('://');
  let head = '';
  let userinfo = '';
  let rest = noQuery;
  if (scheme >= 0) {
    head = noQuery.slice(0, scheme + 3);
    const afterScheme = noQuery.slice(scheme + 3);
    const slash = afterScheme.indexOf('/');
    const authority = slash < 0 ? afterScheme : afterScheme.slice(0, slash);
    const at = authority.lastIndexOf('@');
    userinfo = at < 0 ? '' : authority.slice(0, at + 1);
    rest = afterScheme.slice(userinfo.length);
  }
  return {
    head, userinfo, rest,
    ...(qAt < 0 ? {} : { query: noFrag.slice(qAt + 1) }),
    ...(hashAt < 0 ? {} : { fragment: raw.slice(hashAt + 1) }),
  };
}

/** A URL as it may be shown anywhere. */
export function redactUrl(raw: string): string {
  const p = split(raw);
  const query = p.query === undefined ? '' : `?${maskQuery(p.query)}`;
  const fragment = p.fragment === undefined ? '' : `#${MASK}`;
  return `${p.head}${p.rest}${query}${fragment}`;
}

/**
 * Every `scheme://…` inside free text through redactUrl. A URL ends at
 * whitespace, a quote, `<`, `>` or a backtick: everything before is treated as
 * part of it, so a credential is never split from the URL it belongs to.
 */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

export function redactUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (m) => redactUrl(m));
}

/** A JSON.stringify replacer that passes every string through redactUrls. */
export function redactingReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? redactUrls(value) : value;
}

/** What a URL would carry into a manifest in clear: userinfo, a query or a fragment. */
export function urlCredentialParts(raw: string): Array<'userinfo' | 'query' | 'fragment'> {
  const p = split(raw);
  return [
    ...(p.userinfo !== '' ? ['userinfo' as const] : []),
    ...(p.query !== undefined ? ['query' as const] : []),
    ...(p.fragment !== undefined ? ['fragment' as const] : []),
  ];
}
