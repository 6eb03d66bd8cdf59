/** Flags: the load phase's workload (closed, open or staged model) and the capacity profile. */
import type { FlagGroup } from '../flag-table.js';
import { setPath } from '../flag-table.js';
import { parseStagesFlag } from '../stages-flag.js';
import { checkUsage, num } from './parsers.js';

/** The model follows from which flags were given; mixing two models is a usage error. */
function workloadModel(raw: Record<string, unknown>, given: Readonly<Record<string, unknown>>): void {
  const has = (f: string) => given[f] !== undefined;
  const open = has('rate') || has('duration');
  const staged = has('stages');
  const closed = has('requests') || has('concurrency');
  if (!open && !staged && has('max-in-flight')) throw checkUsage('--max-in-flight: only applies to the open model; add --rate R --duration S or --stages');
  if (open && closed) throw checkUsage('--rate/--duration (open model) cannot be combined with --requests/--concurrency (closed model)');
  if (staged && (open || closed)) throw checkUsage('--stages cannot be combined with --rate/--duration or --requests/--concurrency');
  const model = staged ? 'staged' : open ? 'open' : closed ? 'closed' : undefined;
  if (model !== undefined) setPath(raw, 'load.workload.model', model);
  if (has('profile') === false && (has('baseline-rps') || has('baseline-query'))) {
    throw checkUsage('--baseline-rps/--baseline-query: only apply to a load profile; add --profile 2x-baseline');
  }
}

export const LOAD_FLAGS: FlagGroup = {
  title: 'Load',
  flags: [
    { flag: 'requests', path: 'load.workload.requests', parse: num, value: 'N', help: 'closed model: N requests in total (default 1000)' },
    { flag: 'concurrency', path: 'load.workload.concurrency', parse: num, value: 'C', help: 'closed model: C requests in flight (default 10)' },
    { flag: 'rate', path: 'load.workload.rate', parse: num, value: 'R', help: 'open model: R arrivals/s, with --duration (no coordinated omission)' },
    { flag: 'duration', path: 'load.workload.durationSeconds', parse: num, value: 'S', help: 'open model: for S seconds' },
    {
      flag: 'stages', path: 'load.workload.stages', parse: parseStagesFlag, value: 'D:R[:NAME],...',
      help: 'staged open model, e.g. 30s:50,60s:100,30s:100:2x: the rate ramps\nlinearly to R over D (from 0), samples tagged stage:0.. or stage:NAME',
    },
    { flag: 'max-in-flight', path: 'load.workload.maxInFlight', parse: num, value: 'N', help: 'open model: cap; arrivals beyond it count as dropped_iterations' },
    {
      flag: 'max-schedule-lag', path: 'load.maxScheduleLagMs', parse: num, value: 'MS',
      help: 'open model, opt-in strict limit: exit 107 when the schedule-lag\np99 passes MS, whatever the verdict (unset: lag voids only a\nfailure it could explain)',
    },
    {
      flag: 'workers', path: 'load.workers', parse: num, value: 'N',
      help: 'open model: N threads share the schedule (arrival i to thread i mod N),\neach with its own connections and max-in-flight / N (default 1)',
    },
    {
      flag: 'profile', path: 'profile.name', alsoPaths: ['profile'], value: '2x-baseline',
      help: 'capacity: warm-up at the baseline, ramp, hold at 2x (stages baseline,\nramp, 2x), p(95)<500 and rate<0.01 per stage',
    },
    { flag: 'baseline-rps', path: 'profile.baselineRps', parse: num, value: 'N', help: "the profile's baseline rate" },
    { flag: 'baseline-query', path: 'profile.baselineQuery', value: 'PROMQL', help: 'or read it from --prometheus-url before the load (one number)' },
    { flag: 'endpoint', path: 'load.path', value: 'PATH', help: 'load target path (default /health)' },
  ],
  finish: workloadModel,
};
