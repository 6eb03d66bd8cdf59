/**
 * The runner container, in its two flavours: `golive check` in our runner image, under
 * the node engine or under k6 (a binary copied from a k6 image by an init container).
 * Both read the plan from the ConfigMap and the token from the Secret, split the load
 * by k6 execution segments when there is more than one runner, and print their
 * RunResult between markers for the orchestrator to merge.
 */
import type { V1Container, V1EnvVar } from '@kubernetes/client-node';
import {
  ANNOTATION_RUNNER_INDEX, CONFIG_FILE, CONFIG_MOUNT, K6_BINARY_MOUNT, K6_BINARY_VOLUME, K6_IMAGE, K6_INIT_CONTAINER, K6_SCRIPT, NODE_RUNNER_ENTRY,
  NOTIFY_SECRET_KEYS, PROMETHEUS_SECRET_KEYS, REPORTS_MOUNT, RUNNER_CONTAINER, WEBHOOK_TEMPLATE_KEY,
} from './names.js';
import { containerSecurityContext } from './security.js';
import type { RunnerPlan } from './types.js';

export const RUNNER_INDEX_ENV = 'GOLIVE_RUNNER_INDEX';

/** Where the run id comes from: a literal for `k8s run`, the Job's own name for CronJob runs. */
export type RunIdSource = { kind: 'literal'; runId: string } | { kind: 'job-name' };

/** An optional key of the run's Secret: absent keys leave the variable unset. */
function fromSecret(plan: RunnerPlan, name: string, key: string): V1EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: plan.secret.name, key, optional: true } } };
}

const usesPrometheus = (plan: RunnerPlan) => {
  const p = plan.plan.prometheus;
  return [p.remoteWriteUrl, p.pushgatewayUrl, p.url].some((u) => u !== undefined);
};

/**
 * Prometheus credentials never travel in the plan or a URL: the runner reads them from the
 * Secret (keys prometheus-username/-password/-bearer-token), each optional.
 */
function prometheusCredentials(plan: RunnerPlan): V1EnvVar[] {
  if (!usesPrometheus(plan)) return [];
  const k = PROMETHEUS_SECRET_KEYS;
  return [
    fromSecret(plan, 'GOLIVE_PROMETHEUS_USERNAME', k.username),
    fromSecret(plan, 'GOLIVE_PROMETHEUS_PASSWORD', k.password),
    fromSecret(plan, 'GOLIVE_PROMETHEUS_BEARER_TOKEN', k.bearerToken),
  ];
}

/** Notification secrets: by secretKeyRef only, never a value in the pod spec. A missing key fails the pod's start, loudly. */
function notifyEnv(plan: RunnerPlan): V1EnvVar[] {
  if (!plan.notify) return [];
  const out: V1EnvVar[] = [];
  for (const kind of plan.notify.kinds) {
    for (const [name, key] of NOTIFY_SECRET_KEYS[kind]) out.push({ name, valueFrom: { secretKeyRef: { name: plan.secret.name, key } } });
    if (kind === 'webhook') out.push(fromSecret(plan, 'GOLIVE_WEBHOOK_TEMPLATE', WEBHOOK_TEMPLATE_KEY));
  }
  return out;
}

function env(plan: RunnerPlan, runId: RunIdSource): V1EnvVar[] {
  const fromField = (fieldPath: string) => ({ fieldRef: { fieldPath } });
  const id: V1EnvVar = runId.kind === 'literal'
    ? { name: 'GOLIVE_RUN_ID', value: runId.runId }
    : { name: 'GOLIVE_RUN_ID', valueFrom: fromField("metadata.labels['batch.kubernetes.io/job-name']") };
  return [
    id,
    // Every runner of a run shares one testid, so Prometheus sees one test, not N.
    { name: 'GOLIVE_TESTID', value: plan.plan.testid ?? (runId.kind === 'literal' ? runId.runId : 'golive-scheduled') },
    { name: 'GOLIVE_TOKEN', valueFrom: { secretKeyRef: { name: plan.secret.name, key: plan.secret.key } } },
    ...prometheusCredentials(plan),
    ...notifyEnv(plan),
    { name: RUNNER_INDEX_ENV, valueFrom: fromField(`metadata.annotations['${ANNOTATION_RUNNER_INDEX}']`) },
    { name: 'GOLIVE_RUNNERS', value: String(plan.parallelism) },
    { name: 'HOME', value: '/tmp' },
  ];
}

const mounts = [
  { name: 'config', mountPath: CONFIG_MOUNT, readOnly: true },
  { name: 'tmp', mountPath: '/tmp' },
  { name: 'reports', mountPath: REPORTS_MOUNT },
];

function nodeArgs(plan: RunnerPlan): string[] {
  const args = ['check', '--config', `${CONFIG_MOUNT}/${CONFIG_FILE}`, '--out', REPORTS_MOUNT, '--emit-result'];
  // $(VAR) is expanded by the kubelet from the container's env: no shell needed.
  if (plan.parallelism > 1) args.push('--segment', `$(${RUNNER_INDEX_ENV})/${plan.parallelism}`);
  if (plan.notify) args.push('--notify', plan.notify.kinds.join(','), '--notify-on', plan.notify.on);
  return args;
}

/**
 * The k6 flavour's runner is golive itself under `--engine k6`: it reads k6's sample stream in
 * the pod and hands back the same RunResult (with histograms) as a node runner, so the merge is
 * engine-neutral. k6 is not in golive's image (AGPL): an init container from a k6 image copies
 * its binary into an emptyDir, and golive runs the bundled script the ConfigMap holds.
 */
function k6RunnerEnv(): V1EnvVar[] {
  return [
    { name: 'K6_BINARY', value: `${K6_BINARY_MOUNT}/k6` },
    { name: 'GOLIVE_K6_SCRIPT', value: `${CONFIG_MOUNT}/${K6_SCRIPT}` },
  ];
}

/** Copies `k6` out of the k6 image; `command -v` finds it wherever that image keeps it. */
export function buildK6InitContainer(plan: RunnerPlan): V1Container {
  return {
    name: K6_INIT_CONTAINER,
    image: plan.k6Image ?? K6_IMAGE,
    imagePullPolicy: 'IfNotPresent',
    command: ['sh', '-c', `cp "$(command -v k6)" ${K6_BINARY_MOUNT}/k6`],
    resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '500m', memory: '64Mi' } },
    securityContext: containerSecurityContext(),
    volumeMounts: [{ name: K6_BINARY_VOLUME, mountPath: K6_BINARY_MOUNT }],
  };
}

export function buildRunnerContainer(plan: RunnerPlan, runId: RunIdSource): V1Container {
  const common = {
    name: RUNNER_CONTAINER,
    image: plan.image,
    imagePullPolicy: 'IfNotPresent',
    resources: plan.resources,
    securityContext: containerSecurityContext(),
    volumeMounts: mounts,
  };
  if (plan.engine === 'node') {
    return { ...common, command: [...NODE_RUNNER_ENTRY], args: nodeArgs(plan), env: env(plan, runId) };
  }
  return {
    ...common,
    volumeMounts: [...mounts, { name: K6_BINARY_VOLUME, mountPath: K6_BINARY_MOUNT, readOnly: true }],
    command: [...NODE_RUNNER_ENTRY],
    args: [...nodeArgs(plan), '--engine', 'k6'],
    env: [...env(plan, runId), ...k6RunnerEnv()],
  };
}
