/** One plain-HTTP GET, not followed, with a deadline: the redirect check's evidence. */
import { request } from 'node:http';
import { isIP } from 'node:net';
import type { HttpAnswer } from './redirect.js';
import type { ProbeTarget } from './https-probe.js';
import { clientFault } from '../../net/load/describe-error.js';
import { errorText } from './text.js';

export function probeHttp(t: ProbeTarget): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: HttpAnswer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      t.signal.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(r);
    };
    const host = isIP(t.host) === 6 ? `[${t.host}]` : t.host;
    const req = request({
      host: t.address, port: t.port, path: t.path, method: 'GET', agent: false,
      headers: { host: t.port === 80 ? host : `${host}:${t.port}`, 'user-agent': 'golive-edge' },
    });
    const timer = setTimeout(() => finish({ kind: 'error', error: `no answer within ${t.timeoutMs} ms` }), t.timeoutMs);
    const onAbort = (): void => finish({ kind: 'error', error: 'aborted' });
    t.signal.addEventListener('abort', onAbort, { once: true });
    req.on('response', (res) => {
      const location = res.headers.location;
      finish({ kind: 'answer', status: res.statusCode ?? 0, ...(location !== undefined ? { location } : {}) });
    });
    req.on('error', (err) => {
      const ours = clientFault((err as NodeJS.ErrnoException).code ?? '');
      finish({ kind: 'error', error: describeConnectError(err), ...(ours ? { ours } : {}) });
    });
    req.end();
  });
}

function describeConnectError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED): no plain-HTTP listener';
  return errorText(err);
}
