/** Turns a transport error into the one-line cause a sample carries. */

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'GOLIVE_LOAD_TIMEOUT',
]);

/** Raised by our own sweeper when a request outlives timeoutMs end to end. */
export class LoadTimeoutError extends Error {
  readonly code = 'GOLIVE_LOAD_TIMEOUT';
  constructor() {
    super('timeout');
  }
}

export function describeError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err).split('\n')[0] ?? 'error';
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TIMEOUT_CODES.has(code)) return 'timeout';
    // Node's own codes (ECONNREFUSED, CERT_HAS_EXPIRED, ...) say it best;
    // undici's (UND_ERR_SOCKET) say less than their message.
    if (!code.startsWith('UND_ERR')) return code;
  }
  const message = (err as { message?: unknown }).message;
  const line = typeof message === 'string' ? message.split('\n')[0] : '';
  return line || (typeof code === 'string' ? code : 'error');
}
