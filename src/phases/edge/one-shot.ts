/**
 * One probe request that settles exactly once: on its own answer or error,
 * on its deadline, or when the run aborts, whichever comes first. The socket
 * is destroyed then, so a target that keeps talking cannot hold the phase.
 */
import type { ClientRequest } from 'node:http';

export interface OneShotLimits {
  signal: AbortSignal;
  timeoutMs: number;
}

/**
 * `send` starts the request and returns it; it settles through `finish`.
 * `fail` turns our own reason to give up (deadline, abort) into a result.
 */
export function oneShot<R>(t: OneShotLimits, fail: (error: string) => R, send: (finish: (r: R) => void) => ClientRequest): Promise<R> {
  return new Promise((resolve) => {
    let done = false;
    let req: ClientRequest | undefined;
    const finish = (r: R): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      t.signal.removeEventListener('abort', onAbort);
      req?.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish(fail(`no answer within ${t.timeoutMs} ms`)), t.timeoutMs);
    const onAbort = (): void => finish(fail('aborted'));
    t.signal.addEventListener('abort', onAbort, { once: true });
    req = send(finish);
  });
}
