/**
 * Pure: `golive k8s <render|run|schedule>` argv -> the check flags (plan fields, shared
 * with `golive check`) plus the k8s-only options.
 */
import { parseArgs } from 'node:util';
import { GoliveError } from '../core/errors.js';
import { CHECK_OPTIONS, parseArgsMessage, parseCheckFlags, type CheckFlags } from '../config/flags.js';
import { isValidRunId } from './names.js';
import type { CleanupPolicy } from './orchestrator.js';

export const K8S_OPTIONS = {
  'run-id': { type: 'string' },
  'job-namespace': { type: 'string' },
  parallelism: { type: 'string' },
  image: { type: 'string' },
  secret: { type: 'string' },
  'secret-key': { type: 'string' },
  'service-account': { type: 'string' },
  cleanup: { type: 'string' },
  schedule: { type: 'string' },
  name: { type: 'string' },
  'time-zone': { type: 'string' },
  'active-deadline': { type: 'string' },
  ttl: { type: 'string' },
  'backoff-limit': { type: 'string' },
  'follow-timeout': { type: 'string' },
  'scripts-dir': { type: 'string' },
  'no-job': { type: 'boolean' },
  argo: { type: 'boolean' },
  'api-server-cidr': { type: 'string', multiple: true },
  'egress-cidr': { type: 'string', multiple: true },
} as const;

export type K8sAction = 'render' | 'run' | 'schedule';

export interface K8sFlags {
  action: K8sAction;
  check: CheckFlags;
  runId?: string;
  jobNamespace?: string;
  parallelism: number;
  image?: string;
  secret?: string;
  secretKey?: string;
  serviceAccount?: string;
  cleanup: CleanupPolicy;
  schedule?: string;
  name?: string;
  timeZone?: string;
  activeDeadline?: number;
  ttl?: number;
  backoffLimit?: number;
  followTimeoutSeconds?: number;
  scriptsDir?: string;
  noJob: boolean;
  argo: boolean;
  /** --api-server-cidr (repeatable, or comma-separated) */
  apiServerCidrs: string[];
  /** --egress-cidr (repeatable, or comma-separated) */
  egressCidrs: string[];
}

const list = (v: readonly string[] | undefined): string[] => (v ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== '');

const usage = (msg: string) => new GoliveError('GOLIVE_USAGE', `${msg} (see golive k8s --help)`);

function int(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw usage(`${flag}: expected an integer >= ${min}, got "${v}"`);
  return n;
}

/** Five fields, each of cron's characters, or a @macro; the API server validates the rest. */
const CRON = /^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\S+\s+){4}\S+)$/;

export function parseK8sFlags(argv: readonly string[]): K8sFlags {
  const [action, ...rest] = argv;
  if (action !== 'render' && action !== 'run' && action !== 'schedule') {
    throw usage(`expected a subcommand render, run or schedule, got ${action === undefined ? 'nothing' : `"${action}"`}`);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...CHECK_OPTIONS, ...K8S_OPTIONS }, strict: true, allowPositionals: false, tokens: true });
  } catch (err) {
    throw usage(parseArgsMessage(err));
  }
  // Hand the plan flags to the shared parser, so both commands read them identically.
  const drop = new Set<number>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || !(t.name in K8S_OPTIONS)) continue;
    drop.add(t.index);
    if (t.value !== undefined && t.inlineValue === false) drop.add(t.index + 1);
  }
  const check = parseCheckFlags(rest.filter((_, i) => !drop.has(i)));
  const v = parsed.values;
  const cleanup = v.cleanup ?? 'on-success';
  if (cleanup !== 'always' && cleanup !== 'on-success' && cleanup !== 'never') {
    throw usage(`--cleanup: expected always, on-success or never, got "${cleanup}"`);
  }
  if (v['run-id'] !== undefined && !isValidRunId(v['run-id'])) {
    throw usage(`--run-id: expected lowercase letters, digits and '-', at most 40, starting and ending alphanumeric, got "${v['run-id']}"`);
  }
  if (v.schedule !== undefined && !CRON.test(v.schedule.trim())) {
    throw usage(`--schedule: expected a cron expression with 5 fields, e.g. "0 * * * *", got "${v.schedule}"`);
  }
  const opt = <K extends string, T>(k: K, x: T | undefined) => (x === undefined ? {} : { [k]: x } as Record<K, T>);
  return {
    action,
    check,
    parallelism: int('--parallelism', v.parallelism, 1) ?? 1,
    cleanup,
    noJob: v['no-job'] ?? false,
    argo: v.argo ?? false,
    apiServerCidrs: list(v['api-server-cidr']),
    egressCidrs: list(v['egress-cidr']),
    ...opt('runId', v['run-id']),
    ...opt('jobNamespace', v['job-namespace']),
    ...opt('image', v.image),
    ...opt('secret', v.secret),
    ...opt('secretKey', v['secret-key']),
    ...opt('serviceAccount', v['service-account']),
    ...opt('schedule', v.schedule?.trim()),
    ...opt('name', v.name),
    ...opt('timeZone', v['time-zone']),
    ...opt('activeDeadline', int('--active-deadline', v['active-deadline'], 1)),
    ...opt('ttl', int('--ttl', v.ttl, 0)),
    ...opt('backoffLimit', int('--backoff-limit', v['backoff-limit'], 0)),
    ...opt('followTimeoutSeconds', int('--follow-timeout', v['follow-timeout'], 1)),
    ...opt('scriptsDir', v['scripts-dir']),
  };
}
