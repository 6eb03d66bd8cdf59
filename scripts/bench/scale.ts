/**
 * Section 3: memory must stay flat however long the run (peak RSS of one
 * golive process sending `requests`), and merging the histograms of parallel
 * runners must be cheap (10 runners' MetricStores, serialized as they travel,
 * decoded and merged into one).
 */
import { MetricStore } from '../../src/core/metrics.js';
import { mulberry32 } from '../../src/reference-api/prng.js';
import { runOpen, sustainedAt } from './open-model.js';
import { runGolive, type Toolbox } from './peers.js';
import { startNginx, startNodeTarget } from './targets.js';

export interface ScaleSection {
  requests: number;
  target: string;
  peakRssMB?: number;
  rps?: number;
  error?: string;
  merge: { runners: number; samplesPerRunner: number; seriesPerRunner: number; ms: number; p95: number };
  /** the same request count in the open model on worker threads (issue 24): all threads together */
  workers?: { threads: number; rate: number; arrivals: number; peakRssMB?: number; sentPct?: number; droppedPct?: number; error?: string };
}

const sharesOf = ({ sentPct, droppedPct }: { sentPct: number; droppedPct: number }) => ({ sentPct, droppedPct });

/** The open model's rate for the workers' row: fast enough that two threads are what it takes. */
export const WORKERS_RATE = 20_000;

type Log = (line: string) => void;

/** A runner's store as the load phase fills it: per-status series, log-normal-ish latencies. */
function runnerStore(seed: number, samples: number): MetricStore {
  const store = new MetricStore();
  const rnd = mulberry32(seed);
  const base = { phase: 'load', name: '/health', method: 'GET' };
  const rec = [200, 500].map((status) => {
    const tags = { ...base, status: String(status), expected_response: String(status === 200) };
    return { dur: store.recorder('http_req_duration', tags), reqs: store.recorder('http_reqs', tags), failed: store.recorder('http_req_failed', tags), flag: status === 200 ? 0 : 1 };
  });
  for (let i = 0; i < samples; i++) {
    const r = rec[rnd() < 0.01 ? 1 : 0]!;
    const ms = Math.exp(Math.log(5) + 0.8 * (rnd() + rnd() + rnd() - 1.5));
    r.dur(ms); r.reqs(1); r.failed(r.flag);
  }
  return store;
}

export function measureMerge(runners: number, samplesPerRunner: number): ScaleSection['merge'] {
  const shipped = Array.from({ length: runners }, (_, i) => JSON.stringify(runnerStore(i + 1, samplesPerRunner).toJSON()));
  const t0 = performance.now();
  const merged = new MetricStore();
  for (const json of shipped) merged.merge(MetricStore.fromJSON(JSON.parse(json) as ReturnType<MetricStore['toJSON']>));
  const p95 = merged.select('http_req_duration', { phase: 'load' })?.value('p(95)') ?? NaN;
  const ms = performance.now() - t0;
  return { runners, samplesPerRunner, seriesPerRunner: JSON.parse(shipped[0] ?? '[]').length, ms, p95 };
}

export async function benchScale(box: Toolbox, requests: number, log: Log): Promise<ScaleSection> {
  const merge = measureMerge(10, 100_000);
  log(`  merge of 10 runners: ${merge.ms.toFixed(1)} ms`);
  let service;
  let target = 'nginx';
  try {
    service = box.nginx ? await startNginx(box.nginx) : undefined;
  } catch { service = undefined; }
  if (!service) {
    target = 'node';
    service = await startNodeTarget(box.benchScript, { kind: 'node-min' });
  }
  try {
    const o = await runGolive(box, { origin: `http://127.0.0.1:${service.port}`, path: '/health', connections: 10, requests, seconds: 0, timeoutMs: 10_000 });
    if (!o.ok) return { requests, target, error: o.error, merge };
    log(`  ${requests} requests: peak RSS ${o.run.maxRssMB?.toFixed(1)} MB`);
    const seconds = Math.max(1, Math.round(requests / WORKERS_RATE));
    const wo = await runOpen('golive', box, { origin: `http://127.0.0.1:${service.port}`, path: '/health', rate: WORKERS_RATE, seconds, maxInFlight: 200, timeoutMs: 10_000 }, 2);
    const row = { threads: 2, rate: WORKERS_RATE, arrivals: WORKERS_RATE * seconds };
    const workers = wo.ok
      ? { ...row, ...(wo.run.maxRssMB !== undefined ? { peakRssMB: wo.run.maxRssMB } : {}), ...sharesOf(sustainedAt(WORKERS_RATE, seconds, wo.run)) }
      : { ...row, error: wo.error };
    log(`  ${row.arrivals} arrivals at ${WORKERS_RATE}/s on 2 threads: ${wo.ok ? `peak RSS ${wo.run.maxRssMB?.toFixed(1)} MB` : wo.error}`);
    return { requests, target, peakRssMB: o.run.maxRssMB, rps: o.run.rps, merge, workers };
  } finally {
    await service.stop();
  }
}
