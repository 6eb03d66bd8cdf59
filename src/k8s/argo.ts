/**
 * An Argo Rollouts AnalysisTemplate with golive's three answers: the release
 * is good (Successful), bad (Failed), or golive could not judge (Inconclusive,
 * which pauses the rollout for a person instead of aborting it).
 *
 * Argo reads a `job` metric in two ways only (Job complete: Successful, Job
 * failed: Failed), so the Job is not the answer: the `golive` metric runs the
 * runner Job as a dry run (recorded, never deciding), the runner pushes its
 * verdict's exit code to the Pushgateway (`golive_run_exit_code{testid}`), and
 * the `verdict` metric reads it from Prometheus: 0 is Successful, 99 Failed,
 * anything else (105 aborted, 107 golive's own fault) matches neither
 * condition, which Argo scores Inconclusive. Until the code is there the query
 * is empty, `result[0]` cannot be evaluated, and Argo retries that (an Error
 * measurement, every 10 s) up to consecutiveErrorLimit, which outlasts the
 * Job's deadline.
 */
import type { V1EnvVar, V1JobSpec, V1ObjectMeta } from '@kubernetes/client-node';
import { buildJobSpec } from './job.js';
import { baseLabels } from './names.js';
import type { RunnerPlan } from './types.js';

interface JobMetric {
  name: string;
  count: number;
  failureLimit: number;
  provider: { job: { metadata: { labels: Record<string, string> }; spec: V1JobSpec } };
}

interface VerdictMetric {
  name: string;
  count: number;
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
  successCondition: string;
  failureCondition: string;
  provider: { prometheus: { address: string; query: string } };
}

export interface AnalysisTemplate {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'AnalysisTemplate';
  metadata: V1ObjectMeta;
  spec: {
    args: Array<{ name: string; value?: string }>;
    dryRun: Array<{ metricName: string }>;
    metrics: [JobMetric, VerdictMetric];
  };
}

export const ANALYSIS_TARGET_ARG = '{{args.target}}';
export const ANALYSIS_TESTID_ARG = '{{args.testid}}';
export const ANALYSIS_PUSHGATEWAY_ARG = '{{args.pushgateway}}';
export const ANALYSIS_PROMETHEUS_ARG = '{{args.prometheus}}';

/** Where the runner pushes and Argo reads when the plan names neither (the monitoring namespace's usual Services). */
export const DEFAULT_PUSHGATEWAY = 'http://prometheus-pushgateway.monitoring.svc:9091';
export const DEFAULT_PROMETHEUS = 'http://prometheus.monitoring.svc:9090';

/** The verdict's exit code for the analysis's testid, only from a push of the last few minutes (not an earlier analysis's). */
export const FRESH_SECONDS = 300;
/** Argo retries an Error measurement every 10 s (its DefaultErrorRetryInterval). */
const ARGO_ERROR_RETRY_SECONDS = 10;

/** The answer golive's exit code gives, as Argo's conditions on the `verdict` metric decide it. */
export const VERDICT_CONDITIONS = { successCondition: 'result[0] == 0', failureCondition: 'result[0] == 99' } as const;

export function verdictQuery(testid: string, freshSeconds = FRESH_SECONDS): string {
  return `max(golive_run_exit_code{testid="${testid}"} and on(job, environment) (time() - push_time_seconds < ${freshSeconds}))`;
}

function withArgs(env: V1EnvVar[] | undefined, set: Record<string, string>): V1EnvVar[] {
  const kept = (env ?? []).filter((e) => !(e.name in set));
  return [...kept, ...Object.entries(set).map(([name, value]) => ({ name, value }))];
}

export function buildAnalysisTemplate(plan: RunnerPlan, name = 'golive-gate'): AnalysisTemplate {
  const spec = buildJobSpec(plan, { kind: 'job-name' });
  const container = spec.template.spec?.containers[0];
  if (container) {
    // The canary's URL comes from the Rollout; flags win over the config file. Both flavours run
    // `golive check` (the k6 one with --engine k6, reading k6's stream), so both push the same verdict.
    container.args = [...(container.args ?? []), '--target', ANALYSIS_TARGET_ARG];
    container.env = withArgs(container.env, { GOLIVE_TESTID: ANALYSIS_TESTID_ARG, GOLIVE_PUSHGATEWAY_URL: ANALYSIS_PUSHGATEWAY_ARG });
  }
  const labels = baseLabels('analysis');
  const p = plan.plan.prometheus;
  const deadline = spec.activeDeadlineSeconds ?? 1200;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, namespace: plan.namespace, labels },
    spec: {
      args: [
        { name: 'target', value: plan.plan.target },
        // One per analysis: a Rollout passes e.g. the revision's pod-template hash.
        { name: 'testid', value: plan.plan.testid ?? 'golive-analysis' },
        { name: 'pushgateway', value: p.pushgatewayUrl ?? DEFAULT_PUSHGATEWAY },
        { name: 'prometheus', value: p.url ?? DEFAULT_PROMETHEUS },
      ],
      dryRun: [{ metricName: 'golive' }],
      metrics: [
        { name: 'golive', count: 1, failureLimit: 0, provider: { job: { metadata: { labels }, spec } } },
        {
          name: 'verdict',
          count: 1,
          failureLimit: 0,
          inconclusiveLimit: 0,
          // Waiting for the push: the Job's deadline, plus a minute for the push and the scrape.
          consecutiveErrorLimit: Math.ceil((deadline + 60) / ARGO_ERROR_RETRY_SECONDS),
          ...VERDICT_CONDITIONS,
          provider: { prometheus: { address: ANALYSIS_PROMETHEUS_ARG, query: verdictQuery(ANALYSIS_TESTID_ARG) } },
        },
      ],
    },
  };
}
