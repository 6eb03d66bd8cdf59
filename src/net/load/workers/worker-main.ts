/**
 * A load worker thread (dist/load-worker.js): runs its share of the open
 * model's schedule on its own connections (the same generator as one thread,
 * open.ts), records every sample into its own histograms with the load
 * phase's recorder, and hands them over once a second and at the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MetricStore } from '../../../core/metrics.js';
import { systemClock } from '../../../core/clock.js';
import { firstLine } from '../../../core/errors.js';
import { createSampleRecorder, type SampleRecorder } from '../../sample-recorder.js';
import { lagRecorder } from '../../../phases/load-generator.js';
import { runLoad } from '../index.js';
import type { Flush, FromWorker, ToWorker, WorkerInput } from './protocol.js';

const FLUSH_EVERY_MS = 1000;

interface Recording {
  store: MetricStore;
  recorder: SampleRecorder;
  lag: (lagMs: number, stage: number) => void;
  settled: number;
}

function recording(input: WorkerInput): Recording {
  const { base, stageNames, mix } = input.record;
  const store = new MetricStore();
  const tags = mix?.map((m) => {
    const ok = new Set(m.expected);
    return { tags: m.tags, expected: (s: number) => ok.has(s) };
  });
  return { store, recorder: createSampleRecorder(store, base, stageNames, tags), lag: lagRecorder(store, stageNames), settled: 0 };
}

function flushOf(r: Recording): Flush {
  return {
    type: 'flush',
    series: r.store.toJSON(),
    timeline: r.store.timeline.toRaw(),
    errors: [...r.recorder.errors],
    badStatuses: [...r.recorder.badStatuses],
    unexpected: r.recorder.unexpected(),
    settled: r.settled,
  };
}

/**
 * Runs the recording and its hand-over on made-up samples, then throws them away: a cold thread's
 * first two flushes took 6-17 ms each (encoding histograms before the JIT had seen the code), a
 * hole in its sends at 20,000/s; warmed, 4-10 ms. Done before the worker says it is ready, so off
 * the schedule.
 */
function warmUp(input: WorkerInput): void {
  for (let round = 0; round < 3; round++) {
    const r = recording(input);
    for (let i = 0; i < 2000; i++) {
      r.recorder.onSample({ status: 200, durationMs: 0.2 + (i % 97) / 50, targetMs: 0.2, floorMs: 0.1, error: undefined, bytes: 15, stage: 0, request: 0, response: undefined });
    }
    flushOf(r);
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('load-worker: not started as a worker thread');
  const input = workerData as WorkerInput;
  const post = (m: FromWorker): void => port.postMessage(m);
  const controller = new AbortController();
  let rec = recording(input);
  const flush = (): void => {
    const f = flushOf(rec);
    rec = recording(input);
    post(f);
  };
  const go = new Promise<number>((resolve) => {
    port.on('message', (m: ToWorker) => {
      if (m.type === 'go') resolve(m.startEpochMs);
      else {
        // an abort before the start ends the wait too: the run then sees its signal and stops
        controller.abort();
        resolve(performance.timeOrigin + performance.now());
      }
    });
  });
  warmUp(input);
  let timer: NodeJS.Timeout | undefined;
  /** called by the generator once this thread's connections are open: ready, then the shared start */
  const start = async (): Promise<number> => {
    post({ type: 'ready' });
    const startEpochMs = await go;
    timer = setInterval(flush, FLUSH_EVERY_MS);
    return startEpochMs - performance.timeOrigin;
  };
  try {
    const stats = await runLoad({
      origin: input.origin,
      request: input.request,
      ...(input.mix ? { mix: input.mix } : {}),
      workload: input.workload,
      timeoutMs: input.timeoutMs,
      signal: controller.signal,
      clock: systemClock,
      ...(input.ca !== undefined ? { ca: input.ca } : {}),
      maxScheduleLagMs: input.maxScheduleLagMs,
      share: { ...input.share, start },
      onSample: (s) => { rec.settled++; rec.recorder.onSample(s); },
      onLag: (ms, stage) => rec.lag(ms, stage),
    });
    clearInterval(timer);
    flush();
    post({ type: 'done', stats });
  } catch (err) {
    clearInterval(timer);
    post({ type: 'failed', message: firstLine(err) });
  }
  port.close();
}

void main();
