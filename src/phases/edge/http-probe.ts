/** One plain-HTTP GET, not followed, with a deadline: the redirect check's evidence. */
import { request } from 'node:http';
import { isIP } from 'node:net';
import type { HttpAnswer } from './redirect.js';
import type { ProbeTarget } from './https-probe.js';
import { clientFault } from '../../net/load/describe-error.js';
import { errorText } from './text.js';
import { oneShot } from './one-shot.js';

export function probeHttp(t: ProbeTarget): Promise<HttpAnswer> {
  return oneShot<HttpAnswer>(t, (error) => ({ kind: 'error', error }), (finish) => {
    const host = isIP(t.host) === 6 ? `[${t.host}]` : t.host;
    const req = request({
      host: t.address, port: t.port, path: t.path, method: 'GET', agent: false,
      headers: { host: t.port === 80 ? host : `${host}:${t.port}`, 'user-agent': 'golive-edge' },
    });
    req.on('response', (res) => {
      const location = res.headers.location;
      finish({ kind: 'answer', status: res.statusCode ?? 0, ...(location !== undefined ? { location } : {}) });
    });
    req.on('error', (err) => {
      const ours = clientFault((err as NodeJS.ErrnoException).code ?? '');
      finish({ kind: 'error', error: describeConnectError(err), ...(ours ? { ours } : {}) });
    });
    req.end();
    return req;
  });
}

function describeConnectError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED): no plain-HTTP listener';
  return errorText(err);
}
