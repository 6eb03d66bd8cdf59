/**
 * The runner Job (and the Job spec a CronJob stamps out). An Indexed Job gives each
 * runner pod its index, from which it derives its execution segment.
 */
import type { V1Job, V1JobSpec, V1PodTemplateSpec } from '@kubernetes/client-node';
import { buildK6InitContainer, buildRunnerContainer, type RunIdSource } from './container.js';
import { baseLabels, jobName, K6_BINARY_VOLUME, NO_RETRY_EXIT_CODES, RUNNER_CONTAINER } from './names.js';
import { podSecurityContext } from './security.js';
import type { RunnerPlan } from './types.js';

export function buildPodTemplate(plan: RunnerPlan, runId: RunIdSource): V1PodTemplateSpec {
  const labels = baseLabels('runner', runId.kind === 'literal' ? runId.runId : undefined);
  const k6 = plan.engine === 'k6';
  return {
    metadata: { labels },
    spec: {
      restartPolicy: 'Never',
      serviceAccountName: plan.serviceAccountName,
      // Only the cluster phase talks to the API server; otherwise the pod gets no token at all.
      automountServiceAccountToken: plan.plan.phases.includes('cluster'),
      securityContext: podSecurityContext(),
      // Time for the runner to write its partial report after SIGTERM (exit 105).
      terminationGracePeriodSeconds: 30,
      ...(k6 ? { initContainers: [buildK6InitContainer(plan)] } : {}),
      containers: [buildRunnerContainer(plan, runId)],
      volumes: [
        { name: 'config', configMap: { name: plan.configMapName } },
        { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
        { name: 'reports', emptyDir: { sizeLimit: '64Mi' } },
        // the k6 binary (about 65 MB) the init container copies
        ...(k6 ? [{ name: K6_BINARY_VOLUME, emptyDir: { sizeLimit: '256Mi' } }] : []),
      ],
    },
  };
}

export function buildJobSpec(plan: RunnerPlan, runId: RunIdSource): V1JobSpec {
  return {
    completionMode: 'Indexed',
    completions: plan.parallelism,
    parallelism: plan.parallelism,
    // Retries are for infrastructure flakes (evicted node, image pull); a verdict is never retried.
    backoffLimit: plan.backoffLimit,
    podFailurePolicy: {
      rules: [
        { action: 'FailJob', onExitCodes: { containerName: RUNNER_CONTAINER, operator: 'In', values: [...NO_RETRY_EXIT_CODES] } },
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      ],
    },
    activeDeadlineSeconds: plan.activeDeadlineSeconds,
    ttlSecondsAfterFinished: plan.ttlSecondsAfterFinished,
    template: buildPodTemplate(plan, runId),
  };
}

export function buildJob(plan: RunnerPlan): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: jobName(plan.runId), namespace: plan.namespace, labels: baseLabels('runner', plan.runId) },
    spec: buildJobSpec(plan, { kind: 'literal', runId: plan.runId }),
  };
}
