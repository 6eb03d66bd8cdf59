/** The bench report as the console table (pure: report in, text out). */
import type { Percentiles } from './accuracy.js';
import type { OpenSection } from './open-model.js';
import type { BenchReport, Goal } from './report.js';
import type { Timing } from './startup.js';
import { renderK6 } from './k6-peer.js';
import { renderVariants } from './variants.js';
import { median } from './stats.js';

const n = (v: number | undefined, digits = 1): string => (v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));

/** Left-aligned first column, right-aligned numbers, two spaces between columns. */
export function columns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  return rows
    .map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

const pct = (label: string, p: Percentiles | undefined): string[] => [label, n(p?.p50, 2), n(p?.p95, 2), n(p?.p99, 2)];

const timing = (t: Timing): string => ('ms' in t ? `${t.ms.toFixed(0)} ms (median of ${t.runs})` : `n/a (${t.na})`);

const verdict = (g: Goal): string => (g.met === undefined ? 'n/a' : g.met ? 'met' : 'MISSED');

export function renderReport(r: BenchReport): string {
  const out: string[] = [];
  out.push(`golive bench (${r.mode}) - Node ${r.machine.node}, ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.durationSeconds.toFixed(0)} s`);
  if (r.missing.length) out.push(`Not found: ${r.missing.map((m) => `${m.tool} (${m.provider})`).join(', ')}`);
  const t = r.throughput;
  if (t) {
    out.push('');
    out.push(`Throughput at ${t.config.connections} connections, median of ${t.config.repeats} interleaved run(s); ` +
      `golive and ab ${t.config.requests.toLocaleString('en-US')} requests each, wrk and autocannon ${t.config.wrkSeconds} s`);
    const ratioOf = (target: string, tool: string) => t.ratios.find((x) => x.target === target && x.peer === tool);
    out.push(columns([
      ['target', 'tool', 'req/s', 'CPU s/10k req', 'golive/peer req/s', 'golive/peer CPU', 'runs (req/s)'],
      ...t.rows.map((row) => {
        const q = ratioOf(row.target, row.tool);
        return [row.target, row.tool, n(row.rps, 0), n(row.cpuPer10k, 3), q ? n(q.rps, 2) : '-', q ? n(q.cpu, 2) : '-',
          row.runs ? row.rpsRuns.join(' ') : `failed: ${row.failures[0] ?? ''}`];
      }),
    ]));
    if (t.skippedTargets.length) out.push(`Skipped targets: ${t.skippedTargets.join('; ')}`);
  }
  if (r.accuracy) {
    out.push('');
    out.push('Accuracy, closed model at 10 connections (ms)');
    out.push(columns([
      ['target', 'p50', 'p95', 'p99'],
      ...r.accuracy.flatMap((a) => [
        pct(`${a.target}: truth`, a.truth),
        ...(a.observed ? [pct('  target observed', a.observed)] : []),
        pct('  golive', a.golive),
        ...(a.ab ? [pct('  ab -k', a.ab)] : []),
      ]),
    ]));
  }
  const s = r.stall;
  if (s) {
    out.push('');
    out.push(`Coordinated omission: the server freezes ${s.spec.stallMs} ms once every ${s.spec.every} requests (otherwise ${s.spec.baseMs} ms)`);
    out.push(columns([
      ['measured by', 'p50', 'p95', 'p99'],
      pct(`truth for users arriving at ${s.spec.rate}/s for ${s.spec.durationSeconds} s`, s.truth),
      pct(`golive open model, ${s.spec.rate}/s for ${s.spec.durationSeconds} s`, s.open),
      pct(`golive closed model, ${s.spec.requests} req, ${s.spec.connections} conn`, s.closed),
      ...(s.ab ? [pct(`ab -k, ${s.spec.requests} req, ${s.spec.connections} conn`, s.ab)] : []),
    ]));
  }
  if (r.openModel) out.push('', renderOpenModel(r.openModel));
  const sc = r.scale;
  if (sc) {
    out.push('');
    out.push(`Scale: ${sc.requests.toLocaleString('en-US')} requests against ${sc.target}: peak RSS ${n(sc.peakRssMB)} MB` +
      `${sc.rps ? ` at ${sc.rps.toFixed(0)} req/s` : ''}${sc.error ? ` (${sc.error})` : ''}; ` +
      `merging ${sc.merge.runners} runners x ${sc.merge.samplesPerRunner.toLocaleString('en-US')} samples: ${sc.merge.ms.toFixed(1)} ms`);
    const w = sc.workers;
    if (w) out.push(`Scale, open model on ${w.threads} threads at ${w.rate.toLocaleString('en-US')}/s: peak RSS ${n(w.peakRssMB)} MB all threads` +
      `${w.sentPct !== undefined ? `, sent ${w.sentPct.toFixed(1)} %, dropped ${(w.droppedPct ?? 0).toFixed(2)} %` : ''}${w.error ? ` (${w.error})` : ''}`);
  }
  if (r.startup) out.push(`Start-up: golive --help ${timing(r.startup.help)}; k6 bundle (esbuild) ${timing(r.startup.k6Bundle)}`);
  if (r.k6) {
    out.push('');
    out.push(`k6 as a peer (${r.k6.k6}):`);
    const rows = renderK6(r.k6).map((l) => l.split(' | '));
    out.push(columns(rows));
  }
  if (r.variants) {
    out.push('');
    out.push(`Issue 19.3, same run: ${r.variants.config.requests.toLocaleString('en-US')} requests at ${r.variants.config.connections} connections against ${r.variants.target}, median of ${r.variants.config.repeats} interleaved run(s)`);
    out.push(columns(renderVariants(r.variants)));
  }
  out.push('');
  out.push(columns([['goal', 'target', 'measured', 'verdict'], ...r.goals.map((g) => [g.name, g.goal, g.measured, verdict(g)])]));
  return `${out.join('\n')}\n`;
}

/** The open model's table: per target and rate, every tool's latency, drops, lag and CPU. */
export function renderOpenModel(o: OpenSection): string {
  const out: string[] = [];
  out.push(`Open model: ${o.config.seconds} s per rate, median of ${o.config.repeats} interleaved run(s), max ${o.config.maxInFlight} in flight; ` +
    'latency from the scheduled time (golive, k6), from the send (Vegeta, which never drops: it sends late)');
  out.push(columns([
    ['target', 'rate/s', 'tool', 'p50 ms', 'p95 ms', 'dropped', 'lag p99 ms', 'req/s', 'CPU s/10k req'],
    ...o.closed.map((c) => [c.target, 'closed', `golive c=10${(c.runs?.length ?? 0) > 1 ? `, median of ${c.runs?.length}` : ''}`, n(c.p50, 3), '', '', '', n(c.rps, 0),
      c.error ?? n(c.runs === undefined ? undefined : median(c.runs.map((r) => r.cpuPer10k)), 3)]),
    ...o.rows.map((x) => x.error !== undefined
      ? [x.target, String(x.rate), x.tool, `failed: ${x.error}`]
      : [x.target, String(x.rate), x.tool, n(x.p50, 3), n(x.p95, 3),
        `${x.dropped ?? 'n/a'}${x.droppedBehind ? ` (${x.droppedBehind} late)` : ''}`, n(x.lagP99, 3), n(x.rps, 0), n(x.cpuPer10k, 3)]),
  ]));
  for (const s of o.sustained) {
    out.push(`Highest sustained (< 1 % dropped, >= 99 % sent), ${s.tool}${s.workers ? ` --workers ${s.workers}` : ''}: ${s.rate === undefined ? 'none of the rates tried' : `${s.rate.toLocaleString('en-US')} req/s`}` +
      ` (tried ${s.tried.map((t) => `${t.rate}: ${t.sentPct.toFixed(0)} % sent, ${t.droppedPct.toFixed(1)} % dropped`).join('; ')})`);
  }
  if (o.skipped.length) out.push(`Skipped targets: ${o.skipped.join('; ')}`);
  return out.join('\n');
}
