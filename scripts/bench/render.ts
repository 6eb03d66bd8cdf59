/** The bench report as the console table (pure: report in, text out). */
import type { Percentiles } from './accuracy.js';
import type { BenchReport, Goal } from './report.js';
import type { Timing } from './startup.js';

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
  const t = r.throughput;
  out.push(`golive bench (${r.mode}) - Node ${r.machine.node}, ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.durationSeconds.toFixed(0)} s`);
  if (r.missing.length) out.push(`Not found: ${r.missing.map((m) => `${m.tool} (${m.provider})`).join(', ')}`);
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
  const s = r.stall;
  out.push('');
  out.push(`Coordinated omission: the server freezes ${s.spec.stallMs} ms once every ${s.spec.every} requests (otherwise ${s.spec.baseMs} ms)`);
  out.push(columns([
    ['measured by', 'p50', 'p95', 'p99'],
    pct(`truth for users arriving at ${s.spec.rate}/s for ${s.spec.durationSeconds} s`, s.truth),
    pct(`golive open model, ${s.spec.rate}/s for ${s.spec.durationSeconds} s`, s.open),
    pct(`golive closed model, ${s.spec.requests} req, ${s.spec.connections} conn`, s.closed),
    ...(s.ab ? [pct(`ab -k, ${s.spec.requests} req, ${s.spec.connections} conn`, s.ab)] : []),
  ]));
  out.push('');
  const sc = r.scale;
  out.push(`Scale: ${sc.requests.toLocaleString('en-US')} requests against ${sc.target}: peak RSS ${n(sc.peakRssMB)} MB` +
    `${sc.rps ? ` at ${sc.rps.toFixed(0)} req/s` : ''}${sc.error ? ` (${sc.error})` : ''}; ` +
    `merging ${sc.merge.runners} runners x ${sc.merge.samplesPerRunner.toLocaleString('en-US')} samples: ${sc.merge.ms.toFixed(1)} ms`);
  out.push(`Start-up: golive --help ${timing(r.startup.help)}; k6 bundle (esbuild) ${timing(r.startup.k6Bundle)}`);
  out.push('');
  out.push(columns([['goal', 'target', 'measured', 'verdict'], ...r.goals.map((g) => [g.name, g.goal, g.measured, verdict(g)])]));
  return `${out.join('\n')}\n`;
}
