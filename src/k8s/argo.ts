/**
 * An Argo Rollouts AnalysisTemplate (Job provider): the rollout's analysis runs the
 * same runner Job against the canary, and a Failed Job (exit 99 via podFailurePolicy)
 * fails the analysis and aborts the promotion.
 */
import type { V1JobSpec, V1ObjectMeta } from '@kubernetes/client-node';
import { buildJobSpec } from './job.js';
import { baseLabels } from './names.js';
import type { RunnerPlan } from './types.js';

export interface AnalysisTemplate {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'AnalysisTemplate';
  metadata: V1ObjectMeta;
  spec: {
    args: Array<{ name: string; value?: string }>;
    metrics: Array<{
      name: string;
      count: number;
      failureLimit: number;
      provider: { job: { metadata: { labels: Record<string, string> }; spec: V1JobSpec } };
    }>;
  };
}

export const ANALYSIS_TARGET_ARG = '{{args.target}}';

export function buildAnalysisTemplate(plan: RunnerPlan, name = 'golive-gate'): AnalysisTemplate {
  const spec = buildJobSpec(plan, { kind: 'job-name' });
  const container = spec.template.spec?.containers[0];
  if (container) {
    // The canary's URL comes from the Rollout; flags win over the config file for the node runner.
    if (plan.engine === 'node') container.args = [...(container.args ?? []), '--target', ANALYSIS_TARGET_ARG];
    else container.env = (container.env ?? []).map((e) => (e.name === 'GOLIVE_TARGET' ? { name: e.name, value: ANALYSIS_TARGET_ARG } : e));
  }
  const labels = baseLabels('analysis');
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, namespace: plan.namespace, labels },
    spec: {
      args: [{ name: 'target', value: plan.plan.target }],
      metrics: [{ name: 'golive', count: 1, failureLimit: 0, provider: { job: { metadata: { labels }, spec } } }],
    },
  };
}
