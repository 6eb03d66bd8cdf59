/**
 * The open model on N worker threads (`--workers N`): each owns its own
 * connections and the interleaved share i mod N of the one schedule, all
 * starting at the same instant. Their histograms come back encoded once a
 * second and at the end and are merged exactly into the phase's store (so
 * the timeline, the progress line and abortOnFail thresholds see every
 * worker as it runs); their counts add up (split.ts), so the schedule lag,
 * the drop causes and the generator check are judged over all of them.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GoliveError } from '../../../core/errors.js';
import type { MetricStore } from '../../../core/metrics.js';
import type { MixRequestTags } from '../../sample-recorder.js';
import type { ArrivalWorkload, LoadOptions, LoadStats } from '../types.js';
import type { Flush, FromWorker, RecordSpec, ToWorker, WorkerInput } from './protocol.js';
import { mergeFlush, mergeStats, workerWorkloads } from './split.js';

/** How long the workers get to start (module load, connections opened ahead) before it is our fault. */
const READY_TIMEOUT_MS = 30_000;
/** the schedule starts this long after every worker is ready, so none starts late */
const START_AHEAD_MS = 20;

export interface WorkersOptions extends Omit<LoadOptions, 'onSample' | 'onLag' | 'share' | 'workload'> {
  workload: ArrivalWorkload;
  workers: number;
  /** the machine's CPUs (default: os.availableParallelism()) */
  cpus?: number;
  /** the phase's store: every worker's samples are merged into it */
  store: MetricStore;
  /** the tags the load phase's sample recorder would use */
  record: { base: Readonly<Record<string, string>>; stageNames?: readonly string[]; mix?: readonly MixRequestTags[] };
}

export interface WorkersResult {
  stats: LoadStats;
  /** as SampleRecorder's: causes of requests without a response, and statuses outside 2xx-3xx */
  errors: Map<string, number>;
  badStatuses: Map<number, number>;
}

/** dist/load-worker.js, from the bundle (dist/ or dist/chunks/) or from the sources (tests). */
export function workerScript(): URL {
  const candidates = ['./load-worker.js', '../load-worker.js', '../../../../dist/load-worker.js'].map((p) => new URL(p, import.meta.url));
  const found = candidates.find((u) => existsSync(fileURLToPath(u)));
  if (!found) throw new GoliveError('GOLIVE_ENGINE_ERROR', 'load workers: dist/load-worker.js not found; run `npm run build`');
  return found;
}

function recordSpec(r: WorkersOptions['record']): RecordSpec {
  const statuses = Array.from({ length: 500 }, (_, i) => i + 100);
  return {
    base: { ...r.base },
    ...(r.stageNames ? { stageNames: [...r.stageNames] } : {}),
    ...(r.mix ? { mix: r.mix.map((m) => ({ tags: { ...m.tags }, expected: statuses.filter((s) => m.expected(s)) })) } : {}),
  };
}

const epochNow = (): number => performance.timeOrigin + performance.now();

export async function runLoadWorkers(opts: WorkersOptions): Promise<WorkersResult> {
  const { store } = opts;
  // A runner's share of max-in-flight may be smaller than --workers: a thread without a part would drop everything.
  const n = Math.max(1, Math.min(opts.workers, opts.workload.maxInFlight));
  const script = workerScript();
  const record = recordSpec(opts.record);
  const errors = new Map<string, number>();
  const badStatuses = new Map<number, number>();
  const total = workerWorkloads(opts.workload, n);
  let settled = 0;
  let lastProgress = 0;
  const merge = (f: Flush): void => {
    mergeFlush(store, f);
    for (const [k, v] of f.errors) errors.set(k, (errors.get(k) ?? 0) + v);
    for (const [k, v] of f.badStatuses) badStatuses.set(k, (badStatuses.get(k) ?? 0) + v);
    settled += f.settled;
    const now = opts.clock.now();
    if (opts.onProgress && now - lastProgress >= 100) {
      lastProgress = now;
      opts.onProgress(settled);
    }
  };
  const threads = total.map((workload, index): Worker => {
    const input: WorkerInput = {
      origin: opts.origin, request: opts.request, ...(opts.mix ? { mix: opts.mix } : {}), workload,
      share: { index, of: n }, timeoutMs: opts.timeoutMs, ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
      ...(opts.maxScheduleLagMs !== undefined ? { maxScheduleLagMs: opts.maxScheduleLagMs } : {}), record,
    };
    return new Worker(script, { workerData: input });
  });
  const send = (m: ToWorker): void => { for (const t of threads) t.postMessage(m); };
  const onAbort = (): void => send({ type: 'abort' });
  const cpuBefore = process.cpuUsage();
  const startedAt = opts.clock.now();
  let ready = 0;
  let readyTimer: NodeJS.Timeout | undefined;
  const parts = threads.map((t, k) => new Promise<LoadStats>((resolve, reject) => {
    let done = false;
    t.on('message', (m: FromWorker) => {
      if (m.type === 'flush') merge(m);
      else if (m.type === 'done') { done = true; resolve(m.stats); }
      else if (m.type === 'failed') { done = true; reject(new GoliveError('GOLIVE_ENGINE_ERROR', `load worker ${k + 1} of ${n}: ${m.message}`)); }
      else if (++ready === n) {
        clearTimeout(readyTimer);
        send({ type: 'go', startEpochMs: epochNow() + START_AHEAD_MS });
      }
    });
    t.on('error', (err) => { done = true; reject(new GoliveError('GOLIVE_ENGINE_ERROR', `load worker ${k + 1} of ${n} crashed: ${err.message.split('\n')[0] ?? ''}`)); });
    t.on('exit', (code) => { if (!done) reject(new GoliveError('GOLIVE_ENGINE_ERROR', `load worker ${k + 1} of ${n} exited (code ${code}) before it finished`)); });
  }));
  readyTimer = setTimeout(() => {
    for (const t of threads) void t.terminate();
  }, READY_TIMEOUT_MS);
  // One worker that broke ends the run: the others stop too, and the error is reported.
  for (const p of parts) p.catch(onAbort);
  if (opts.signal.aborted) onAbort();
  else opts.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const settledParts = await Promise.allSettled(parts);
    const failed = settledParts.find((p): p is PromiseRejectedResult => p.status === 'rejected');
    if (failed) throw failed.reason;
    const cpu = process.cpuUsage(cpuBefore);
    const stats = mergeStats(settledParts.map((p) => (p as PromiseFulfilledResult<LoadStats>).value), {
      cpuMs: (cpu.user + cpu.system) / 1000,
      elapsedMs: opts.clock.now() - startedAt,
      cpus: opts.cpus ?? availableParallelism(),
    });
    opts.onProgress?.(stats.completed + stats.failed, stats.stages.reduce((s, c) => s + c.expected, 0));
    return { stats, errors, badStatuses };
  } finally {
    clearTimeout(readyTimer);
    opts.signal.removeEventListener('abort', onAbort);
    for (const t of threads) void t.terminate();
  }
}
