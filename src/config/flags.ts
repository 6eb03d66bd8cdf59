/**
 * Pure: `golive check` argv -> a raw (unvalidated) config fragment. The token
 * is never a flag value (it would land in shell history): only env or a file.
 */
import { parseArgs } from 'node:util';
import { GoliveError, firstLine } from '../core/errors.js';
import type { RawConfig } from './merge.js';
import { parseStagesFlag } from './stages-flag.js';

export const CHECK_OPTIONS = {
  target: { type: 'string' },
  phases: { type: 'string' },
  requests: { type: 'string' },
  concurrency: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  'max-in-flight': { type: 'string' },
  stages: { type: 'string' },
  profile: { type: 'string' },
  'baseline-rps': { type: 'string' },
  'baseline-query': { type: 'string' },
  'require-scale-out': { type: 'boolean' },
  'max-schedule-lag': { type: 'string' },
  endpoint: { type: 'string' },
  engine: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  timeout: { type: 'string' },
  'max-body-bytes': { type: 'string' },
  deadline: { type: 'string' },
  threshold: { type: 'string', multiple: true },
  environment: { type: 'string' },
  testid: { type: 'string' },
  'ca-file': { type: 'string' },
  'edge-http-port': { type: 'string' },
  'dns-server': { type: 'string' },
  'prometheus-rw-url': { type: 'string' },
  'prometheus-native-histograms': { type: 'boolean' },
  'pushgateway-url': { type: 'string' },
  'prometheus-url': { type: 'string' },
  'grafana-url': { type: 'string' },
  'prometheus-targets': { type: 'string' },
  'prometheus-job': { type: 'string' },
  namespace: { type: 'string' },
  kubeconfig: { type: 'string' },
  segment: { type: 'string' },
  'emit-result': { type: 'boolean' },
  baseline: { type: 'string' },
  'max-regression': { type: 'string' },
  'summary-md': { type: 'string' },
  notify: { type: 'string', multiple: true },
  'notify-on': { type: 'string' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CheckFlags {
  raw: RawConfig;
  configFile?: string;
  tokenFile?: string;
  segment?: string;
  /** a baseline run's summary.json, and how much worse this run may be (report.ts, compare/) */
  baseline?: string;
  maxRegression?: string;
  summaryMd?: string;
  /** --notify slack|webhook|pagerduty (repeatable or comma list), --notify-on */
  notify?: string[];
  notifyOn?: string;
  emitResult: boolean;
  noColor: boolean;
  help: boolean;
}

/** Which flag sets a config path, so validation errors can name the flag. */
export const FLAG_FOR_PATH: Readonly<Record<string, string>> = {
  target: '--target',
  phases: '--phases',
  engine: '--engine',
  out: '--out',
  requestTimeoutMs: '--timeout',
  maxBodyBytes: '--max-body-bytes',
  deadlineSeconds: '--deadline',
  'load.path': '--endpoint',
  'load.workload.requests': '--requests',
  'load.workload.concurrency': '--concurrency',
  'load.workload.rate': '--rate',
  'load.workload.durationSeconds': '--duration',
  'load.workload.maxInFlight': '--max-in-flight',
  'load.workload.stages': '--stages',
  profile: '--profile',
  'profile.name': '--profile',
  'profile.baselineRps': '--baseline-rps',
  'profile.baselineQuery': '--baseline-query',
  'cluster.requireScaleOut': '--require-scale-out',
  'load.maxScheduleLagMs': '--max-schedule-lag',
  thresholds: '--threshold',
  'prometheus.remoteWriteUrl': '--prometheus-rw-url',
  'prometheus.pushgatewayUrl': '--pushgateway-url',
  'prometheus.url': '--prometheus-url',
  'prometheus.grafanaUrl': '--grafana-url',
  'prometheus.targetsSelector': '--prometheus-targets',
  'prometheus.job': '--prometheus-job',
  'cluster.namespace': '--namespace',
  'edge.httpPort': '--edge-http-port',
  'edge.dnsServer': '--dns-server',
};

/** A number flag as given; zod reports what was expected when it is not one. */
function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  if (v.trim() === '' || !Number.isFinite(n)) throw usage(`${flag}: expected a number, got "${v}"`);
  return n;
}

function usage(msg: string): GoliveError {
  return new GoliveError('GOLIVE_USAGE', `${msg} (see golive check --help)`);
}

/** node:util parseArgs' error, in our words: one line naming the flag. */
export function parseArgsMessage(err: unknown): string {
  const msg = firstLine(err);
  return msg
    .replace(/^Unknown option '(.*?)'.*$/, 'unknown flag $1')
    .replace(/^Option '(.*?)' argument is ambiguous.*$/, "$1: the value starts with '-'; write $1=VALUE")
    .replace(/^Option '(.*?)(?: <value>)?' argument missing.*$/, '$1: expected a value');
}

/** `metric=expr` pairs; the selector may itself contain ':' and ',' but not '='. */
export function parseThresholdFlags(values: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    const metric = v.slice(0, i).trim();
    const expr = v.slice(i + 1).trim();
    if (i <= 0 || expr === '') throw usage(`--threshold: expected METRIC=EXPRESSION, e.g. 'http_req_duration{phase:load}=p(99)<800', got "${v}"`);
    (out[metric] ??= []).push(expr);
  }
  return out;
}

export function parseCheckFlags(argv: readonly string[]): CheckFlags {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: CHECK_OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw usage(parseArgsMessage(err));
  }
  if (values.token !== undefined) {
    throw new GoliveError('GOLIVE_USAGE', '--token is not accepted (it would land in shell history): set GOLIVE_TOKEN or use --token-file FILE');
  }
  const raw: RawConfig = {};
  const set = (path: string[], v: unknown) => {
    if (v === undefined) return;
    let o: Record<string, unknown> = raw;
    for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
    o[path[path.length - 1] as string] = v;
  };
  set(['target'], values.target);
  set(['phases'], values.phases?.split(',').map((s) => s.trim()).filter(Boolean));
  set(['engine'], values.engine);
  set(['out'], values.out);
  set(['json'], values.json);
  set(['requestTimeoutMs'], num('--timeout', values.timeout));
  set(['deadlineSeconds'], num('--deadline', values.deadline));
  set(['maxBodyBytes'], num('--max-body-bytes', values['max-body-bytes']));
  set(['environment'], values.environment);
  set(['testid'], values.testid);
  set(['load', 'path'], values.endpoint);
  const open = values.rate !== undefined || values.duration !== undefined;
  const staged = values.stages !== undefined;
  const closed = values.requests !== undefined || values.concurrency !== undefined;
  if (!open && !staged && values['max-in-flight'] !== undefined) throw usage('--max-in-flight: only applies to the open model; add --rate R --duration S or --stages');
  if (open && closed) {
    throw usage('--rate/--duration (open model) cannot be combined with --requests/--concurrency (closed model)');
  }
  if (staged && (open || closed)) throw usage('--stages cannot be combined with --rate/--duration or --requests/--concurrency');
  set(['load', 'maxScheduleLagMs'], num('--max-schedule-lag', values['max-schedule-lag']));
  if (staged) {
    set(['load', 'workload', 'model'], 'staged');
    set(['load', 'workload', 'stages'], parseStagesFlag(values.stages ?? ''));
    set(['load', 'workload', 'maxInFlight'], num('--max-in-flight', values['max-in-flight']));
  } else if (open) {
    set(['load', 'workload', 'model'], 'open');
    set(['load', 'workload', 'rate'], num('--rate', values.rate));
    set(['load', 'workload', 'durationSeconds'], num('--duration', values.duration));
    set(['load', 'workload', 'maxInFlight'], num('--max-in-flight', values['max-in-flight']));
  } else if (values.requests !== undefined || values.concurrency !== undefined) {
    set(['load', 'workload', 'model'], 'closed');
    set(['load', 'workload', 'requests'], num('--requests', values.requests));
    set(['load', 'workload', 'concurrency'], num('--concurrency', values.concurrency));
  }
  if (values.threshold) set(['thresholds'], parseThresholdFlags(values.threshold));
  set(['prometheus', 'remoteWriteUrl'], values['prometheus-rw-url']);
  set(['prometheus', 'nativeHistograms'], values['prometheus-native-histograms']);
  set(['prometheus', 'pushgatewayUrl'], values['pushgateway-url']);
  set(['prometheus', 'url'], values['prometheus-url']);
  set(['prometheus', 'grafanaUrl'], values['grafana-url']);
  set(['prometheus', 'targetsSelector'], values['prometheus-targets']);
  set(['prometheus', 'job'], values['prometheus-job']);
  set(['profile', 'name'], values.profile);
  set(['profile', 'baselineRps'], num('--baseline-rps', values['baseline-rps']));
  set(['profile', 'baselineQuery'], values['baseline-query']);
  if (values.profile === undefined && (values['baseline-rps'] !== undefined || values['baseline-query'] !== undefined)) {
    throw usage('--baseline-rps/--baseline-query: only apply to a load profile; add --profile 2x-baseline');
  }
  set(['cluster', 'requireScaleOut'], values['require-scale-out']);
  set(['cluster', 'namespace'], values.namespace);
  set(['cluster', 'kubeconfig'], values.kubeconfig);
  set(['caFile'], values['ca-file']);
  set(['edge', 'httpPort'], num('--edge-http-port', values['edge-http-port']));
  set(['edge', 'dnsServer'], values['dns-server']);
  return {
    raw,
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    ...(values['token-file'] !== undefined ? { tokenFile: values['token-file'] } : {}),
    ...(values.segment !== undefined ? { segment: values.segment } : {}),
    ...(values.baseline !== undefined ? { baseline: values.baseline } : {}),
    ...(values['max-regression'] !== undefined ? { maxRegression: values['max-regression'] } : {}),
    ...(values['summary-md'] !== undefined ? { summaryMd: values['summary-md'] } : {}),
    ...(values.notify !== undefined ? { notify: values.notify.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean) } : {}),
    ...(values['notify-on'] !== undefined ? { notifyOn: values['notify-on'] } : {}),
    emitResult: values['emit-result'] ?? false,
    noColor: values['no-color'] ?? false,
    help: values.help ?? false,
  };
}
