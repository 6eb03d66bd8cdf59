/** Turns a transport error into the one-line cause a sample carries. */
import { firstLine } from '../../core/errors.js';

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'GOLIVE_LOAD_TIMEOUT',
]);

const INVALID_REQUEST = 'invalid request';

/**
 * Causes raised on our side, before or without any word from the target: file
 * descriptors, buffers or local ports ran out, or a request we could not
 * build. They are never evidence against the target (issue 12): a run that
 * meets one ends as an engine error naming it.
 */
const CLIENT_FAULTS: Readonly<Record<string, string>> = {
  EMFILE: 'too many open files in golive: raise `ulimit -n` or lower --concurrency/--max-in-flight',
  ENFILE: 'the system-wide file table is full',
  ENOBUFS: 'the local network stack ran out of buffer space',
  ENOMEM: 'golive ran out of memory',
  EADDRNOTAVAIL: 'no local address or port left to connect from (ephemeral ports exhausted)',
  ERR_INVALID_CHAR: 'a header value golive cannot send',
  ERR_HTTP_INVALID_HEADER_VALUE: 'a header value golive cannot send',
  ERR_STRING_TOO_LONG: 'a string longer than V8 can hold',
  ERR_OUT_OF_RANGE: 'a value outside the range Node accepts (e.g. a timer)',
};

/** The hint for a cause raised on our side, or undefined when the cause may be the target's. */
export function clientFault(cause: string): string | undefined {
  if (cause.startsWith(`${INVALID_REQUEST}:`)) return 'a request golive could not build';
  return Object.hasOwn(CLIENT_FAULTS, cause) ? CLIENT_FAULTS[cause] : undefined;
}

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
  if (typeof err !== 'object' || err === null) return firstLine(err);
  const { code, name, message, cause } = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  if (name === 'TimeoutError') return 'timeout';
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED') return 'aborted';
  if (typeof code === 'string') {
    if (TIMEOUT_CODES.has(code)) return 'timeout';
    // A request undici refused to build (a header value it will not send) never left this process.
    if (code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED') return `${INVALID_REQUEST}: ${typeof message === 'string' ? firstLine(message) : code}`;
    // Node's own codes (ECONNREFUSED, CERT_HAS_EXPIRED, ...) say it best;
    // undici's (UND_ERR_SOCKET) say less than their message.
    // EPROTO alone hides OpenSSL's reason ("wrong version number": the port speaks plain HTTP).
    if (code === 'EPROTO' && typeof message === 'string') {
      const why = /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1];
      if (why) return `EPROTO: ${why}`;
    }
    if (!code.startsWith('UND_ERR')) return code;
  }
  // fetch-style wrappers ("fetch failed") carry the real cause inside.
  if (cause !== undefined && typeof code !== 'string') return describeError(cause);
  const line = typeof message === 'string' ? firstLine(message) : '';
  return line || (typeof code === 'string' ? code : 'error');
}
