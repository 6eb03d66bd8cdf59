/** Fills a RunnerPlan's defaults from a validated Plan and the k8s flags. */
import type { Plan } from '../config/schema.js';
import {
  DEFAULT_CONFIGMAP, DEFAULT_SCHEDULE, DEFAULT_SECRET, DEFAULT_SERVICE_ACCOUNT, K6_IMAGE, NODE_RUNNER_IMAGE,
} from './names.js';
import { defaultEgress } from './network-policy.js';
import type { RunnerEngine, RunnerPlan, SchedulePlan } from './types.js';

export interface RunnerOptions {
  runId: string;
  namespace?: string;
  engine?: RunnerEngine;
  image?: string;
  parallelism?: number;
  secretName?: string;
  secretKey?: string;
  serviceAccountName?: string;
  configMapName?: string;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  backoffLimit?: number;
}

export function makeRunnerPlan(plan: Plan, o: RunnerOptions): RunnerPlan {
  const engine = o.engine ?? plan.engine;
  return {
    runId: o.runId,
    namespace: o.namespace ?? plan.cluster.namespace,
    engine,
    image: o.image ?? (engine === 'k6' ? K6_IMAGE : NODE_RUNNER_IMAGE),
    parallelism: o.parallelism ?? 1,
    plan,
    secret: { name: o.secretName ?? DEFAULT_SECRET.name, key: o.secretKey ?? DEFAULT_SECRET.key },
    serviceAccountName: o.serviceAccountName ?? DEFAULT_SERVICE_ACCOUNT,
    configMapName: o.configMapName ?? DEFAULT_CONFIGMAP,
    // The run's own deadline plus time to pull the image and start.
    activeDeadlineSeconds: o.activeDeadlineSeconds ?? Math.ceil(plan.deadlineSeconds) + 300,
    ttlSecondsAfterFinished: o.ttlSecondsAfterFinished ?? 86_400,
    backoffLimit: o.backoffLimit ?? 2,
    resources: {
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    },
    egress: defaultEgress(plan),
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
