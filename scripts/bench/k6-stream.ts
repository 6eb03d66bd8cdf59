/**
 * The cost of the k6 engine's sample stream (issue 21): the same closed k6
 * run as k6-peer.ts, with golive's stream arguments (`--out json=-` and its
 * system tags) piped into golive's own reader (src/engine/k6/sample-stream.ts)
 * in this process. Its req/s is k6's own rate, as the row without the stream
 * reports it (k6OwnRate: over k6's test run, start-up excluded); the wall
 * time, which also holds the reader catching up after k6's last request, is
 * reported beside it. The reader's CPU is this process's CPU while it reads
 * (it does nothing else meanwhile); k6's own CPU and RSS come from GNU time.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { K6SampleStream } from '../../src/engine/k6/sample-stream.js';
import { K6_STREAM_ARGS } from '../../src/engine/k6/run.js';
import { k6OwnRate } from './parse-open.js';
import type { LoadSpec } from './peers.js';
import { childrenCpuSeconds } from './proc.js';
import { cpuPer10k } from './stats.js';

/** k6's closed run, tagged as golive.ts tags a load request; the summary goes to a file: stdout is the stream. */
export const STREAM_SCRIPT = `import http from 'k6/http';
export const options = {
  discardResponseBodies: true,
  scenarios: { closed: { executor: 'shared-iterations', vus: Number(__ENV.VUS), iterations: Number(__ENV.ITERATIONS), maxDuration: '10m', tags: { phase: 'load' } } },
};
export default function () { http.get(__ENV.URL, { timeout: '10s', tags: { name: '/health', scenario: 'load' } }); }
export function handleSummary(data) { return { [__ENV.SUMMARY]: JSON.stringify(data.metrics) }; }
`;

export interface StreamRun {
  /** k6's own rate */
  rps: number;
  requests: number;
  /** spawn to the reader's last line */
  wallMs: number;
  readerCpuPer10k: number;
  readerRssMB: number;
  k6CpuPer10k: number;
  k6RssMB?: number;
  fault?: string;
}

export async function runK6Streamed(k6: string, dir: string, spec: LoadSpec): Promise<StreamRun | { error: string }> {
  const script = join(dir, 'streamed.js');
  const summary = join(dir, 'streamed-summary.json');
  const timeOut = join(dir, 'streamed-time.txt');
  writeFileSync(script, STREAM_SCRIPT);
  const env = { VUS: String(spec.connections), ITERATIONS: String(spec.requests), URL: `${spec.origin}${spec.path}`, SUMMARY: summary };
  const args = ['-f', 'maxrss_kb=%M', '-o', timeOut, k6, 'run', '--quiet', '--no-color', '--no-usage-report', ...K6_STREAM_ARGS, ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), script];
  const stream = new K6SampleStream();
  let peakRss = process.memoryUsage().rss;
  const k6Cpu0 = childrenCpuSeconds();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('/usr/bin/time', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const rss = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 200);
    child.stdout.on('data', (c: Buffer) => stream.write(c)).once('end', () => stream.end());
    const timer = setTimeout(() => child.kill('SIGKILL'), 20 * 60_000);
    child.on('close', (c) => {
      clearTimeout(timer);
      clearInterval(rss);
      resolve(c);
    });
  });
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu0);
  const k6Cpu = childrenCpuSeconds() - k6Cpu0;
  if (code !== 0) return { error: `k6 exit ${code}` };
  const requests = stream.store.select('http_reqs')?.value('count') ?? 0;
  const metrics = JSON.parse(readFileSync(summary, 'utf8')) as Record<string, { values: Record<string, number> }>;
  const k6Reqs = metrics['http_reqs']?.values['count'] ?? 0;
  if (requests !== k6Reqs) return { error: `the reader counted ${requests} requests, k6 ${k6Reqs}` };
  const k6Rss = Number(/maxrss_kb=(\d+)/.exec(readFileSync(timeOut, 'utf8'))?.[1]);
  return {
    rps: k6OwnRate(metrics),
    requests,
    wallMs,
    readerCpuPer10k: cpuPer10k((used.user + used.system) / 1e6, requests),
    readerRssMB: peakRss / 1024 / 1024,
    k6CpuPer10k: cpuPer10k(k6Cpu, requests),
    ...(Number.isFinite(k6Rss) ? { k6RssMB: k6Rss / 1024 } : {}),
    ...(stream.fault ? { fault: stream.fault.detail } : {}),
  };
}
