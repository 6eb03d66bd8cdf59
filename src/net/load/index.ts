/** The node engine's load generator: closed (ab-like) and open (fixed arrival rate) models. */
import { GoliveError } from '../../core/errors.js';
import { ClosedLoad } from './closed.js';
import { OpenLoad } from './open.js';
import { RawClosedLoad } from './raw-client.js';
import { RawOpenLoad } from './raw-open.js';
import { rawTarget } from './raw-request.js';
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
  if (!opts.request.path.startsWith('/')) {
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
  if (w.model === 'closed') {
    // The raw client carries every request it can frame; undici the rest.
    const target = rawTarget(opts.origin, opts.request);
    if (target) return new RawClosedLoad(opts, target, w.requests, w.concurrency).run();
    return new ClosedLoad(opts, w.requests, w.concurrency).run();
  }
  const target = rawTarget(opts.origin, opts.request);
  if (target) return new RawOpenLoad(opts, target, w).run();
  return new OpenLoad(opts, w).run();
}
