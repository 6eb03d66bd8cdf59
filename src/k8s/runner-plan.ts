/** Fills a RunnerPlan's defaults from a validated Plan and the k8s flags. */
import type { Plan } from '../contract/plan.js';
import { planEgress } from './egress.js';
import {
  DEFAULT_CONFIGMAP, DEFAULT_SCHEDULE, DEFAULT_SECRET, K6_IMAGE, NODE_RUNNER_IMAGE, ORCHESTRATOR_SERVICE_ACCOUNT,
  RUNNER_SERVICE_ACCOUNT,
} from './names.js';
import type { ApiServerAddress, RunnerEngine, RunnerPlan, SchedulePlan } from './types.js';
import { refuseUrlCredentials } from './url-credentials.js';
import { GoliveError } from '../core/errors.js';
import { checkNotifyFlags } from '../notify/config.js';

export interface RunnerOptions {
  runId: string;
  namespace?: string;
  engine?: RunnerEngine;
  image?: string;
  /** --engine k6: the image k6 is copied from (default Grafana's) */
  k6Image?: string;
  parallelism?: number;
  secretName?: string;
  secretKey?: string;
  serviceAccountName?: string;
  orchestratorServiceAccountName?: string;
  configMapName?: string;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  backoffLimit?: number;
  /** memory request and limit of each runner (a Kubernetes quantity); default 256Mi/512Mi */
  memory?: string;
  /** --egress-cidr: addresses of URLs outside the cluster */
  egressCidrs?: readonly string[];
  /** where the API server is; required by the cluster phase */
  apiServer?: ApiServerAddress;
  /** --notify and --notify-on as given */
  notify?: { kinds?: readonly string[]; on?: string };
}

/**
 * Every builder renders from a RunnerPlan, so this is where a plan that cannot be rendered
 * safely is refused (104): URL credentials, external URLs without --egress-cidr, the cluster
 * phase without the API server's addresses.
 */
export function makeRunnerPlan(plan: Plan, o: RunnerOptions): RunnerPlan {
  const engine = o.engine ?? plan.engine;
  const secret = { name: o.secretName ?? DEFAULT_SECRET.name, key: o.secretKey ?? DEFAULT_SECRET.key };
  refuseUrlCredentials(plan, secret);
  const namespace = o.namespace ?? plan.cluster.namespace;
  const notify = checkNotifyFlags(o.notify?.kinds, o.notify?.on);
  // Each runner judges only its segment: N runners would send N partial verdicts.
  if (notify && (o.parallelism ?? 1) > 1) throw new GoliveError('GOLIVE_USAGE', '--notify: only with --parallelism 1 (each parallel runner sees only its share of the load)');
  return {
    ...(notify ? { notify } : {}),
    runId: o.runId,
    namespace,
    engine,
    image: o.image ?? NODE_RUNNER_IMAGE,
    ...(engine === 'k6' ? { k6Image: o.k6Image ?? K6_IMAGE } : {}),
    parallelism: o.parallelism ?? 1,
    plan,
    secret,
    serviceAccountName: o.serviceAccountName ?? RUNNER_SERVICE_ACCOUNT,
    orchestratorServiceAccountName: o.orchestratorServiceAccountName ?? ORCHESTRATOR_SERVICE_ACCOUNT,
    configMapName: o.configMapName ?? DEFAULT_CONFIGMAP,
    // The run's own deadline plus time to pull the image and start.
    activeDeadlineSeconds: o.activeDeadlineSeconds ?? Math.ceil(plan.deadlineSeconds) + 300,
    ttlSecondsAfterFinished: o.ttlSecondsAfterFinished ?? 86_400,
    backoffLimit: o.backoffLimit ?? 2,
    resources: {
      requests: { cpu: '250m', memory: o.memory ?? '256Mi' },
      limits: { cpu: '1', memory: o.memory ?? '512Mi' },
    },
    egress: planEgress(plan, { podNamespace: namespace, egressCidrs: o.egressCidrs ?? [], ...(o.apiServer ? { apiServer: o.apiServer } : {}) }),
  };
}

export function makeSchedulePlan(o: Partial<SchedulePlan> = {}): SchedulePlan {
  return {
    name: o.name ?? 'golive',
    schedule: o.schedule ?? DEFAULT_SCHEDULE,
    // A run that could not start within 10 minutes is skipped, not run late on top of the next.
    startingDeadlineSeconds: o.startingDeadlineSeconds ?? 600,
    successfulJobsHistoryLimit: o.successfulJobsHistoryLimit ?? 3,
    failedJobsHistoryLimit: o.failedJobsHistoryLimit ?? 3,
    ...(o.timeZone ? { timeZone: o.timeZone } : {}),
  };
}
