/**
 * Pure: `golive k8s <render|run|schedule>` argv -> the check flags (plan fields, shared
 * with `golive check`) plus the k8s-only options, all by the same flag table.
 */
import { GoliveError } from '../core/errors.js';
import { CHECK_FLAG_GROUPS } from '../config/check-flags/index.js';
import { commaLists } from '../config/check-flags/parsers.js';
import { checkFlagsFrom, type CheckFlags } from '../config/flags.js';
import { cliKeys, parseWithTable, type FlagGroup } from '../config/flag-table.js';
import { isValidRunId } from './names.js';
import type { CleanupPolicy } from './orchestrator.js';

const usage = (msg: string) => new GoliveError('GOLIVE_USAGE', `${msg} (see golive k8s --help)`);

const int = (min: number) => (v: string, flag: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw usage(`${flag}: expected an integer >= ${min}, got "${v}"`);
  return n;
};

/** Five fields, each of cron's characters, or a @macro; the API server validates the rest. */
const CRON = /^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\S+\s+){4}\S+)$/;

function cleanupPolicy(v: string): CleanupPolicy {
  if (v !== 'always' && v !== 'on-success' && v !== 'never') throw usage(`--cleanup: expected always, on-success or never, got "${v}"`);
  return v;
}

function runId(v: string): string {
  if (!isValidRunId(v)) throw usage(`--run-id: expected lowercase letters, digits and '-', at most 40, starting and ending alphanumeric, got "${v}"`);
  return v;
}

/** A memory quantity with its unit (a bare number is bytes to Kubernetes, never what was meant): 512Mi, 1Gi, 800M. */
const MEMORY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)$/;

function memory(v: string, flag: string): string {
  if (!MEMORY.test(v) || Number.parseFloat(v) <= 0) throw usage(`${flag}: expected a memory quantity such as 512Mi or 1Gi, got "${v}"`);
  return v;
}

function cron(v: string): string {
  if (!CRON.test(v.trim())) throw usage(`--schedule: expected a cron expression with 5 fields, e.g. "0 * * * *", got "${v}"`);
  return v.trim();
}

/** `golive k8s`'s own flags: one entry each, like golive check's. */
export const K8S_FLAG_GROUPS: readonly FlagGroup[] = [{
  title: 'K8s flags',
  flags: [
    { flag: 'job-namespace', cli: 'jobNamespace', value: 'NS', help: 'where the Job runs (default --namespace, i.e. cluster.namespace)' },
    { flag: 'parallelism', cli: 'parallelism', parse: int(1), value: 'N', help: 'N runner pods (Indexed Job), the load split by k6 execution segments' },
    { flag: 'run-id', cli: 'runId', parse: runId, value: 'ID', help: 'unique run id (default: timestamp + random); re-running the same id\nadopts its Job instead of starting another' },
    { flag: 'image', cli: 'image', value: 'IMAGE', help: 'golive runner image, for both engines (default ghcr.io/golive/runner:0.1.0)' },
    { flag: 'k6-image', cli: 'k6Image', value: 'IMAGE', help: '--engine k6: image an init container copies k6 from (default grafana/k6:1.1.0)' },
    { flag: 'secret', cli: 'secret', value: 'NAME', help: 'Secret with the token (default golive-credentials)' },
    { flag: 'secret-key', cli: 'secretKey', value: 'KEY', help: 'key in that Secret (default token)' },
    { flag: 'service-account', cli: 'serviceAccount', value: 'NAME', help: 'ServiceAccount of the runner pods (default golive-runner, read-only)' },
    {
      flag: 'egress-cidr', cli: 'egressCidrs', multiple: true, parse: commaLists, value: 'CIDR',
      help: 'addresses of a target or Prometheus outside the cluster (repeatable);\nwithout it such a URL is refused: the NetworkPolicy would block it',
    },
    {
      flag: 'api-server-cidr', cli: 'apiServerCidrs', multiple: true, parse: commaLists, value: 'CIDR',
      help: "the API server's addresses for the cluster phase's egress (repeatable;\ndefault: read from the kubernetes Service's EndpointSlice)",
    },
    { flag: 'cleanup', cli: 'cleanup', parse: cleanupPolicy, value: 'POLICY', help: 'always | on-success (default) | never: delete the Job and its ConfigMap' },
    { flag: 'follow-timeout', cli: 'followTimeoutSeconds', parse: int(1), value: 'S', help: 'stop following after S seconds (default activeDeadlineSeconds + 60)' },
    { flag: 'active-deadline', cli: 'activeDeadline', parse: int(1), value: 'S', help: 'Job activeDeadlineSeconds (default plan deadline + 300)' },
    { flag: 'ttl', cli: 'ttl', parse: int(0), value: 'S', help: 'Job ttlSecondsAfterFinished (default 86400)' },
    { flag: 'runner-memory', cli: 'runnerMemory', parse: memory, value: 'QTY', help: 'memory request and limit of each runner pod, e.g. 1Gi (default request 256Mi,\nlimit 512Mi); a runner killed for exceeding it is reported as OOMKilled' },
    { flag: 'backoff-limit', cli: 'backoffLimit', parse: int(0), value: 'N', help: 'retries for infrastructure failures (default 2; exit 99/104 never retry)' },
    { flag: 'schedule', cli: 'schedule', parse: cron, value: 'CRON', help: 'CronJob schedule (default "0 * * * *", hourly)' },
    { flag: 'name', cli: 'name', value: 'NAME', help: 'CronJob name (default golive)' },
    { flag: 'time-zone', cli: 'timeZone', value: 'TZ', help: 'CronJob timeZone, e.g. Europe/Berlin' },
    { flag: 'scripts-dir', cli: 'scriptsDir', value: 'DIR', help: 'bundled k6 scripts for --engine k6 (default dist/k6)' },
    { flag: 'no-job', cli: 'noJob', type: 'boolean', help: 'render: leave out the one-off Job' },
    { flag: 'argo', cli: 'argo', type: 'boolean', help: 'render: add the Argo Rollouts AnalysisTemplate' },
  ],
}];

export type K8sAction = 'render' | 'run' | 'schedule';

export interface K8sFlags {
  action: K8sAction;
  check: CheckFlags;
  runId?: string;
  jobNamespace?: string;
  parallelism: number;
  image?: string;
  k6Image?: string;
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
  /** --runner-memory: the runner pods' memory request and limit */
  runnerMemory?: string;
  followTimeoutSeconds?: number;
  scriptsDir?: string;
  noJob: boolean;
  argo: boolean;
  /** --api-server-cidr (repeatable, or comma-separated) */
  apiServerCidrs: string[];
  /** --egress-cidr (repeatable, or comma-separated) */
  egressCidrs: string[];
}

type K8sOwn = Omit<K8sFlags, 'action' | 'check'>;

export function parseK8sFlags(argv: readonly string[]): K8sFlags {
  const [action, ...rest] = argv;
  if (action !== 'render' && action !== 'run' && action !== 'schedule') {
    throw usage(`expected a subcommand render, run or schedule, got ${action === undefined ? 'nothing' : `"${action}"`}`);
  }
  // The plan flags and golive check's own options are read exactly as golive check reads them.
  const { raw, cli } = parseWithTable([...CHECK_FLAG_GROUPS, ...K8S_FLAG_GROUPS], rest, usage);
  const checkKeys = cliKeys(CHECK_FLAG_GROUPS);
  const checkCli = Object.fromEntries(Object.entries(cli).filter(([k]) => checkKeys.has(k)));
  const own = Object.fromEntries(Object.entries(cli).filter(([k]) => !checkKeys.has(k))) as Partial<K8sOwn>;
  return {
    action,
    check: checkFlagsFrom({ raw, cli: checkCli }),
    ...own,
    parallelism: own.parallelism ?? 1,
    cleanup: own.cleanup ?? 'on-success',
    noJob: own.noJob ?? false,
    argo: own.argo ?? false,
    apiServerCidrs: own.apiServerCidrs ?? [],
    egressCidrs: own.egressCidrs ?? [],
  };
}
