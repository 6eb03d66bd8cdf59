/** The post-launch CronJob: the runbook's hourly checks, one run at a time. */
import type { V1CronJob } from '@kubernetes/client-node';
import { buildJobSpec } from './job.js';
import { baseLabels } from './names.js';
import type { RunnerPlan, SchedulePlan } from './types.js';

export function buildCronJob(plan: RunnerPlan, schedule: SchedulePlan): V1CronJob {
  const labels = baseLabels('scheduled');
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: schedule.name, namespace: plan.namespace, labels },
    spec: {
      schedule: schedule.schedule,
      ...(schedule.timeZone ? { timeZone: schedule.timeZone } : {}),
      // A check still running when the next is due means trouble; a second one would only add load.
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: schedule.startingDeadlineSeconds,
      successfulJobsHistoryLimit: schedule.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: schedule.failedJobsHistoryLimit,
      jobTemplate: {
        metadata: { labels },
        spec: buildJobSpec(plan, { kind: 'job-name' }),
      },
    },
  };
}
