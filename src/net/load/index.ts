/** The node engine's load generator: closed (ab-like) and open (fixed arrival rate) models. */
import { GoliveError } from '../../core/errors.js';
import { RawClosedLoad } from './raw-client.js';
import { RawOpenLoad } from './raw-open.js';
import { rawTarget } from './raw-request.js';
import type { RawTarget } from './raw-request.js';
import type { LoadOptions, LoadStats } from './types.js';

export type { ArrivalWorkload, LoadOptions, LoadRequest, LoadSample, LoadStats, LoopDelay } from './types.js';
export type { StageCounts } from './pacer.js';
export { describeError } from './describe-error.js';

/** Returns the origin in the form undici wants (no path). */
function validate(opts: LoadOptions): string {
  let url: URL | undefined;
  try { url = new URL(opts.origin); } catch { url = undefined; }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new GoliveError('GOLIVE_INVALID_CONFIG', `load origin: expected an http(s) URL, got ${JSON.stringify(opts.origin)}`);
  }
  if (!(opts.mix?.requests ?? [opts.request]).every((r) => r.path.startsWith('/'))) {
    throw new GoliveError('GOLIVE_INVALID_CONFIG', `load request path: expected a path starting with "/", got ${JSON.stringify(opts.request.path)}`);
  }
  if (!(opts.timeoutMs > 0)) {
    throw new GoliveError('GOLIVE_INVALID_CONFIG', `load timeoutMs: expected a positive number, got ${opts.timeoutMs}`);
  }
  return url.origin;
}

/**
 * Runs the workload against `origin` and resolves with the counts once every
 * sent request has settled (or was cancelled by the signal). onSample is called
 * for every request that settled; a throwing onSample stops the run and its
 * error rejects the promise.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadStats> {
  opts = { ...opts, origin: validate(opts) };
  const w = opts.workload;
  // The raw client carries every request it can frame (all of a mix, or none); undici the rest.
  const targets = rawTargets(opts);
  if (w.model === 'closed') {
    if (targets) return new RawClosedLoad(opts, targets, w.requests, w.concurrency).run();
    const { ClosedLoad } = await import('./undici-closed.js');
    return new ClosedLoad(opts, w.requests, w.concurrency).run();
  }
  if (targets) return new RawOpenLoad(opts, targets, w).run();
  // undici only for what the raw client cannot frame, loaded then: a worker thread on the raw client never pays for it
  const { OpenLoad } = await import('./undici-open.js');
  return new OpenLoad(opts, w).run();
}

/** Every request of the run serialized once, or undefined when the raw client cannot frame one of them. */
function rawTargets(opts: LoadOptions): [RawTarget, ...RawTarget[]] | undefined {
  const requests = opts.mix?.requests ?? [opts.request];
  const out: RawTarget[] = [];
  for (const r of requests) {
    const t = rawTarget(opts.origin, r);
    if (!t) return undefined;
    out.push(t);
  }
  const [first, ...rest] = out;
  return first ? [first, ...rest] : undefined;
}
