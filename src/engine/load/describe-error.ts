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

/**
 * One line, no stack, no URL: the cause of a failed request, the same for the
 * functional phases (undici request) and the load loops (raw client, undici
 * dispatch), so reports word a failure the same wherever it happened.
 */
export function describeError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err).split('\n')[0] ?? 'error';
  const { code, name, message, cause } = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  if (name === 'TimeoutError') return 'timeout';
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED') return 'aborted';
  if (typeof code === 'string') {
    if (TIMEOUT_CODES.has(code)) return 'timeout';
    // Node's own codes (ECONNREFUSED, CERT_HAS_EXPIRED, ...) say it best;
    // undici's (UND_ERR_SOCKET) say less than their message.
    if (!code.startsWith('UND_ERR')) return code;
  }
  // fetch-style wrappers ("fetch failed") carry the real cause inside.
  if (cause !== undefined && typeof code !== 'string') return describeError(cause);
  const line = typeof message === 'string' ? message.split('\n')[0] : '';
  return line || (typeof code === 'string' ? code : 'error');
}
