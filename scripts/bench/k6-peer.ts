/**
 * Section `k6`: k6 as a peer of golive (issue 8), the real k6 that the tests
 * use (scripts/setup/k6.sh). Closed model, interleaved with golive's load
 * child: throughput at 10 connections against nginx and the Node target, CPU
 * seconds per 10k requests and peak RSS (GNU time's maxrss for k6, the load
 * child's own for golive); p95 on the fixed and bimodal targets; start-up
 * (a one-iteration run); and the runbook's 1000-request load end to end
 * through `golive check` with each engine (wall time, p95).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LatencySpec } from '../../src/reference-api/server.js';
import { parseK6Summary } from './parse-open.js';
import { runGolive, type LoadSpec, type Toolbox } from './peers.js';
import { runCommand, type Service } from './proc.js';
import { cpuPer10k, median, ratio } from './stats.js';
import { startNginx, startNodeTarget } from './targets.js';
import { runK6Streamed } from './k6-stream.js';

export interface K6PeerConfig { requests: number; repeats: number; accuracyRequests: number; runbookRequests: number }

export interface K6Row {
  /** what was measured, e.g. "throughput nginx" */
  row: string;
  /** 'k6 + stream': k6 with `--out json=-` read by golive's reader (CPU and RSS are the reader's; k6's own beside them) */
  tool: 'golive' | 'k6' | 'k6 + stream' | 'golive --engine node' | 'golive --engine k6';
  /** k6 rows: k6's own rate (k6OwnRate), with and without the stream alike */
  rps?: number;
  cpuPer10k?: number;
  /** 'k6 + stream': k6's own CPU and peak RSS while it streams */
  k6CpuPer10k?: number;
  k6PeakRssMB?: number;
  /** 'k6 + stream': median over repeats of its req/s over the k6 row's of the same repeat */
  ratio?: number;
  peakRssMB?: number;
  p95?: number;
  wallMs?: number;
  error?: string;
}

export interface K6Section { k6: string; rows: K6Row[] }

type Log = (line: string) => void;

const CLOSED_SCRIPT = `import http from 'k6/http';
export const options = {
  discardResponseBodies: true,
  summaryTrendStats: ['med', 'p(95)', 'p(99)', 'max'],
  scenarios: { closed: { executor: 'shared-iterations', vus: Number(__ENV.VUS), iterations: Number(__ENV.ITERATIONS), maxDuration: '10m' } },
};
export default function () { http.get(__ENV.URL, { timeout: '10s' }); }
export function handleSummary(data) { return { stdout: JSON.stringify(data.metrics) + '\\n' }; }
`;

async function runK6Closed(k6: string, dir: string, spec: LoadSpec): Promise<K6Row> {
  const script = join(dir, 'closed.js');
  writeFileSync(script, CLOSED_SCRIPT);
  const env = { VUS: String(spec.connections), ITERATIONS: String(spec.requests), URL: `${spec.origin}${spec.path}` };
  const args = ['-f', 'maxrss_kb=%M', k6, 'run', '--quiet', '--no-color', '--no-usage-report', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), script];
  const r = await runCommand('/usr/bin/time', args, 20 * 60_000);
  if (r.code !== 0) return { row: '', tool: 'k6', error: `k6 exit ${r.code}: ${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 200)}` };
  const res = parseK6Summary(r.stdout, r.wallMs / 1000);
  const rss = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1]);
  // k6's own rate, as the streamed row's: the wall time would add k6's start-up here and the reader's catching up there
  return { row: '', tool: 'k6', rps: res.k6Rate, wallMs: r.wallMs, cpuPer10k: cpuPer10k(r.cpuSeconds, res.requests), ...(Number.isFinite(rss) ? { peakRssMB: rss / 1024 } : {}), ...(res.p95 === undefined ? {} : { p95: res.p95 }) };
}

async function k6Streamed(k6: string, dir: string, spec: LoadSpec): Promise<K6Row> {
  const r = await runK6Streamed(k6, dir, spec);
  if ('error' in r) return { row: '', tool: 'k6 + stream', error: r.error };
  if (r.fault !== undefined) return { row: '', tool: 'k6 + stream', error: `stream fault: ${r.fault}` };
  return {
    row: '', tool: 'k6 + stream', rps: r.rps, cpuPer10k: r.readerCpuPer10k, peakRssMB: r.readerRssMB, wallMs: r.wallMs,
    k6CpuPer10k: r.k6CpuPer10k, ...(r.k6RssMB === undefined ? {} : { k6PeakRssMB: r.k6RssMB }),
  };
}

async function golive(box: Toolbox, spec: LoadSpec): Promise<K6Row> {
  const o = await runGolive(box, spec);
  if (!o.ok) return { row: '', tool: 'golive', error: o.error };
  return { row: '', tool: 'golive', rps: o.run.rps, cpuPer10k: cpuPer10k(o.run.cpuSeconds, o.run.requests), ...(o.run.maxRssMB === undefined ? {} : { peakRssMB: o.run.maxRssMB }), ...(o.run.p95 === undefined ? {} : { p95: o.run.p95 }) };
}

/** Median of each number over repeated runs; the first error when none succeeded. */
function med(row: string, runs: K6Row[]): K6Row {
  const ok = runs.filter((r) => r.error === undefined);
  const tool = runs[0]?.tool ?? 'k6';
  if (ok.length === 0) return { row, tool, error: runs[0]?.error ?? 'no run' };
  const m = (k: 'rps' | 'cpuPer10k' | 'peakRssMB' | 'p95' | 'wallMs' | 'k6CpuPer10k' | 'k6PeakRssMB') => {
    const v = ok.flatMap((r) => (r[k] === undefined ? [] : [r[k] as number]));
    return v.length ? { [k]: median(v) } : {};
  };
  return { row, tool, ...m('rps'), ...m('cpuPer10k'), ...m('peakRssMB'), ...m('p95'), ...m('wallMs'), ...m('k6CpuPer10k'), ...m('k6PeakRssMB') };
}

/** Median over repeats of stream / plain, each pair from the same repeat (neighbours on a shared machine change between repeats). */
export function pairedRatio(plain: readonly K6Row[], streamed: readonly K6Row[]): number {
  const r = plain.flatMap((p, i) => {
    const s = streamed[i];
    return p.rps !== undefined && s?.rps !== undefined && p.error === undefined && s.error === undefined ? [ratio(s.rps, p.rps)] : [];
  });
  return median(r);
}

async function withService<T>(start: () => Promise<Service>, run: (origin: string) => Promise<T>): Promise<T> {
  const s = await start();
  try { return await run(`http://127.0.0.1:${s.port}`); } finally { await s.stop(); }
}

async function runbook(root: string, k6: string, engine: 'node' | 'k6', origin: string, requests: number, dir: string): Promise<K6Row> {
  const out = join(dir, `runbook-${engine}`);
  const tool = engine === 'node' ? 'golive --engine node' as const : 'golive --engine k6' as const;
  const r = await runCommandEnv(process.execPath, [join(root, 'dist', 'golive.js'), 'check', '--target', origin, '--engine', engine, '--phases', 'health,load', '--requests', String(requests), '--out', out],
    { ...process.env, K6_BINARY: k6, GOLIVE_TOKEN: 'bench-token' });
  if (r.code !== 0) return { row: '', tool, error: `exit ${r.code}: ${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 200)}` };
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };
  const p95 = s.metrics['http_req_duration{phase:load}']?.values['p(95)'];
  return { row: '', tool, wallMs: r.wallMs, ...(p95 === undefined ? {} : { p95 }) };
}

async function runCommandEnv(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string; wallMs: number }> {
  const { spawn } = await import('node:child_process');
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => { if (stderr.length < 64_000) stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stderr, wallMs: performance.now() - t0 }); });
  });
}

export async function benchK6(root: string, box: Toolbox, cfg: K6PeerConfig, log: Log): Promise<K6Section | undefined> {
  const k6 = box.k6;
  if (!k6) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'golive-bench-k6peer-'));
  const rows: K6Row[] = [];
  const push = (row: K6Row) => { rows.push(row); log(`  ${row.row} ${row.tool}: ${row.error ?? [row.rps && `${Math.round(row.rps)} req/s`, row.cpuPer10k && `${row.cpuPer10k.toFixed(2)} CPU s/10k`, row.peakRssMB && `${row.peakRssMB.toFixed(0)} MB`, row.p95 !== undefined && `p95 ${row.p95.toFixed(2)} ms`, row.wallMs && `${Math.round(row.wallMs)} ms`,
    row.k6CpuPer10k && `k6 itself ${row.k6CpuPer10k.toFixed(2)} CPU s/10k`, row.k6PeakRssMB && `k6 ${row.k6PeakRssMB.toFixed(0)} MB`, row.ratio && `${row.ratio.toFixed(2)}x of k6`].filter(Boolean).join(', ')}`); };
  try {
    const targets: { name: string; start: () => Promise<Service> }[] = [];
    if (box.nginx) { const nginx = box.nginx; targets.push({ name: 'throughput nginx', start: () => startNginx(nginx) }); }
    targets.push({ name: 'throughput node', start: () => startNodeTarget(box.benchScript, { kind: 'node-min' }) });
    for (const t of targets) {
      await withService(t.start, async (origin) => {
        const spec: LoadSpec = { origin, path: '/health', connections: 10, requests: cfg.requests, seconds: 0, timeoutMs: 10_000 };
        const g: K6Row[] = [];
        const k: K6Row[] = [];
        const s: K6Row[] = [];
        for (let i = 0; i < cfg.repeats; i++) {
          // alternate which goes first, so neither always meets a warmer target
          if (i % 2 === 0) { g.push(await golive(box, spec)); k.push(await runK6Closed(k6, dir, spec)); } else { k.push(await runK6Closed(k6, dir, spec)); g.push(await golive(box, spec)); }
          s.push(await k6Streamed(k6, dir, spec));
        }
        push(med(t.name, g));
        push(med(t.name, k));
        const streamed = med(t.name, s);
        const paired = pairedRatio(k, s);
        push(Number.isFinite(paired) ? { ...streamed, ratio: paired } : streamed);
      });
    }
    const latency: { name: string; latency: LatencySpec }[] = [
      { name: 'p95 fixed 20 ms', latency: { kind: 'fixed', ms: 20 } },
      { name: 'p95 90% 5 ms / 10% 200 ms', latency: { kind: 'bimodal', fastMs: 5, slowMs: 200, slowFraction: 0.1 } },
    ];
    for (const c of latency) {
      // a fresh target per tool: the bimodal target's slow requests are a fixed sequence
      const spec = (origin: string): LoadSpec => ({ origin, path: '/health', connections: 10, requests: cfg.accuracyRequests, seconds: 0, timeoutMs: 10_000 });
      push({ ...(await withService(() => startNodeTarget(box.benchScript, { kind: 'reference', latency: c.latency }), (o) => golive(box, spec(o)))), row: c.name });
      push({ ...(await withService(() => startNodeTarget(box.benchScript, { kind: 'reference', latency: c.latency }), (o) => runK6Closed(k6, dir, spec(o)))), row: c.name });
    }
    const startup = await withService(() => startNodeTarget(box.benchScript, { kind: 'node-min' }), async (origin) => {
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await runCommand(k6, ['run', '--quiet', '--no-color', '--no-usage-report', '-e', 'VUS=1', '-e', 'ITERATIONS=1', '-e', `URL=${origin}/health`, join(dir, 'closed.js')], 60_000);
        if (r.code === 0) runs.push(r.wallMs);
      }
      return runs;
    });
    push(startup.length ? { row: 'start-up (k6 run, 1 request)', tool: 'k6', wallMs: median(startup) } : { row: 'start-up (k6 run, 1 request)', tool: 'k6', error: 'k6 run failed' });
    await withService(() => startNodeTarget(box.benchScript, { kind: 'reference', latency: { kind: 'none' } }), async (origin) => {
      for (const engine of ['node', 'k6'] as const) push({ ...(await runbook(root, k6, engine, origin, cfg.runbookRequests, dir)), row: `runbook ${cfg.runbookRequests} requests end to end` });
    });
    return { k6, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function renderK6(s: K6Section): string[] {
  const f = (v: number | undefined, d = 1) => (v === undefined || !Number.isFinite(v) ? '' : v.toFixed(d));
  const table = [['k6 as a peer', 'tool', 'req/s', 'CPU s/10k', 'peak RSS MB', 'p95 ms', 'wall ms'],
    ...s.rows.map((r) => [r.row, r.tool, r.error ? `failed: ${r.error}` : `${f(r.rps, 0)}${r.ratio === undefined ? '' : ` (${f(r.ratio, 2)}x)`}`, f(r.cpuPer10k, 2), f(r.peakRssMB, 0), f(r.p95, 2), f(r.wallMs, 0)])];
  return table.map((row) => row.join(' | '));
}
