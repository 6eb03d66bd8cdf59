/**
 * The runner container, in its two flavours: our node runner image (`golive check`)
 * and the official grafana/k6 image running the bundled k6 script. Both read the
 * plan from the ConfigMap and the token from the Secret, and both split the load
 * by k6 execution segments when there is more than one runner.
 */
import { k6SegmentSequence } from '../engine/segment.js';
import type { V1Container, V1EnvVar } from '@kubernetes/client-node';
import {
  ANNOTATION_RUNNER_INDEX, CONFIG_FILE, CONFIG_MOUNT, K6_SCRIPT, NODE_RUNNER_ENTRY,
  NOTIFY_SECRET_KEYS, PROMETHEUS_SECRET_KEYS, REPORTS_MOUNT, RUNNER_CONTAINER, WEBHOOK_TEMPLATE_KEY,
} from './names.js';
import { K6_ENV, toK6Plan } from '../contract/k6-plan.js';
import { k6Validators } from '../engine/k6/declared.js';
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
  if (plan.engine === 'k6') {
    // k6's remote-write output reads its own variables; a bearer token needs a header it cannot take from a Secret.
    if (!plan.plan.prometheus.remoteWriteUrl) return [];
    return [fromSecret(plan, 'K6_PROMETHEUS_RW_USERNAME', k.username), fromSecret(plan, 'K6_PROMETHEUS_RW_PASSWORD', k.password)];
  }
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

/** k6 needs from:to, which $(VAR) expansion cannot compute, so this flavour uses the image's sh. */
function k6Command(plan: RunnerPlan): string[] {
  const n = plan.parallelism;
  const rw = plan.plan.prometheus.remoteWriteUrl ? ['--out', 'experimental-prometheus-rw'] : [];
  const run = ['k6', 'run', '--no-usage-report', '--tag', 'testid="$GOLIVE_TESTID"', ...rw];
  const script = `${CONFIG_MOUNT}/${K6_SCRIPT}`;
  if (n === 1) return ['sh', '-c', `exec ${[...run, script].join(' ')}`];
  const sequence = k6SegmentSequence(n);
  const i = RUNNER_INDEX_ENV;
  const line = [
    `export ${K6_ENV.segment}="$((${i}))/${n}:$((${i}+1))/${n}" ${K6_ENV.segmentSequence}="${sequence}";`,
    // A runner label, as the node runners write: N writers of one series would overwrite one another (Prometheus answers 400).
    'exec', ...run, ...(rw.length > 0 ? ['--tag', `runner="$((${i}))"`] : []), '--execution-segment', `"$${K6_ENV.segment}"`, '--execution-segment-sequence', `"$${K6_ENV.segmentSequence}"`, script,
  ].join(' ');
  return ['sh', '-c', line];
}

/** The k6 scripts read their plan from the environment (src/contract/k6-plan.ts is the contract). */
function k6Env(plan: RunnerPlan): V1EnvVar[] {
  const p = plan.plan.prometheus;
  return [
    { name: K6_ENV.target, value: plan.plan.target },
    { name: K6_ENV.plan, value: JSON.stringify(toK6Plan(plan.plan)) },
    { name: K6_ENV.summary, value: `${REPORTS_MOUNT}/summary.json` },
    // In the pod k6 reads the env itself (credentials come from the Secret): only the validators travel.
    ...(plan.plan.checks.length > 0 ? [{ name: K6_ENV.declared, value: JSON.stringify({ validators: k6Validators(plan.plan), env: {} }) }] : []),
    ...(p.remoteWriteUrl ? [
      { name: 'K6_PROMETHEUS_RW_SERVER_URL', value: p.remoteWriteUrl },
      // Native histograms let Prometheus merge the runners' latencies exactly.
      { name: 'K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM', value: 'true' },
    ] : []),
  ];
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
  return { ...common, command: k6Command(plan), env: [...env(plan, runId), ...k6Env(plan)] };
}
