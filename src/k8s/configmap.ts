/** The ConfigMap a run mounts at /config: the secret-free plan, plus the k6 bundle for that flavour. */
import type { V1ConfigMap } from '@kubernetes/client-node';
import { baseLabels, CONFIG_FILE } from './names.js';
import { runnerConfig, stableJson } from './runner-config.js';
import type { RunnerPlan } from './types.js';

/** file name -> contents, e.g. { 'golive.js': <bundled k6 script> } from dist/k6 */
export type Scripts = Readonly<Record<string, string>>;

export function buildConfigMap(plan: RunnerPlan, scripts: Scripts = {}): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: plan.configMapName,
      namespace: plan.namespace,
      labels: baseLabels('config', plan.runId),
    },
    data: { [CONFIG_FILE]: stableJson(runnerConfig(plan.plan)), ...scripts },
  };
}
