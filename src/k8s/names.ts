/** Names, labels and defaults shared by every manifest builder and the orchestrator. */

export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_RUN_ID = 'golive.dev/run-id';
export const ANNOTATION_RUNNER_INDEX = 'batch.kubernetes.io/job-completion-index';

export const APP = 'golive';
export const RUNNER_CONTAINER = 'runner';
export const DEFAULT_SERVICE_ACCOUNT = 'golive';
export const DEFAULT_CONFIGMAP = 'golive-config';
export const DEFAULT_SECRET = { name: 'golive-credentials', key: 'token' } as const;
export const DEFAULT_SCHEDULE = '0 * * * *';

export const CONFIG_MOUNT = '/config';
export const CONFIG_FILE = 'golive.config.json';
export const K6_SCRIPT = 'golive.js';
export const REPORTS_MOUNT = '/reports';
export const NODE_RUNNER_IMAGE = 'ghcr.io/golive/runner:0.1.0';
export const K6_IMAGE = 'grafana/k6:1.3.0';
/** The node runner image's bundle; the Job names it so no entrypoint is implied. */
export const NODE_RUNNER_ENTRY = ['node', '/app/dist/golive.js'] as const;

/** Runner exit codes that are a verdict or a usage error, never a flake: no retry. */
export const NO_RETRY_EXIT_CODES = [99, 104] as const;

const RUN_ID = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;

export { newRunId } from '../core/run-id.js';

export function isValidRunId(id: string): boolean {
  return RUN_ID.test(id);
}

export function jobName(runId: string): string {
  return `golive-${runId}`;
}

export function baseLabels(component: string, runId?: string): Record<string, string> {
  return {
    [LABEL_NAME]: APP,
    [LABEL_COMPONENT]: component,
    [LABEL_MANAGED_BY]: APP,
    ...(runId ? { [LABEL_RUN_ID]: runId } : {}),
  };
}
