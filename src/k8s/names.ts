/** Names, labels and defaults shared by every manifest builder and the orchestrator. */

export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_RUN_ID = 'golive.dev/run-id';
export const ANNOTATION_RUNNER_INDEX = 'batch.kubernetes.io/job-completion-index';

export const APP = 'golive';
export const RUNNER_CONTAINER = 'runner';
/** The runner pods' identity: read-only, token mounted only for the cluster phase. */
export const RUNNER_SERVICE_ACCOUNT = 'golive-runner';
/** The identity of `golive k8s` in the cluster: creates, follows and cleans up Jobs and ConfigMaps. */
export const ORCHESTRATOR_SERVICE_ACCOUNT = 'golive-orchestrator';
/** The API server's own Service and where its EndpointSlice lives. */
export const API_SERVER_SERVICE = { name: 'kubernetes', namespace: 'default' } as const;
/** Secret keys the runner pods read Prometheus credentials from (each optional). */
export const PROMETHEUS_SECRET_KEYS = {
  username: 'prometheus-username', password: 'prometheus-password', bearerToken: 'prometheus-bearer-token',
} as const;
/** Keys of the run's Secret that hold the notification secrets (src/notify/config.ts reads the variables). */
export const NOTIFY_SECRET_KEYS = {
  slack: [['GOLIVE_SLACK_WEBHOOK_URL', 'slack-webhook-url']],
  webhook: [['GOLIVE_WEBHOOK_URL', 'webhook-url']],
  pagerduty: [['GOLIVE_PAGERDUTY_ROUTING_KEY', 'pagerduty-routing-key']],
} as const;
/** Not a secret, but kept beside the URL it shapes; optional. */
export const WEBHOOK_TEMPLATE_KEY = 'webhook-template';
export const DEFAULT_CONFIGMAP = 'golive-config';
export const DEFAULT_SECRET = { name: 'golive-credentials', key: 'token' } as const;
export const DEFAULT_SCHEDULE = '0 * * * *';

export const CONFIG_MOUNT = '/config';
export const CONFIG_FILE = 'golive.config.json';
export const K6_SCRIPT = 'golive.js';
export const REPORTS_MOUNT = '/reports';
export const NODE_RUNNER_IMAGE = 'ghcr.io/golive/runner:0.1.0';
/** Where the k6 flavour's init container copies k6 from: Grafana's image, a version golive verified. */
export const K6_IMAGE = 'grafana/k6:1.1.0';
export const K6_INIT_CONTAINER = 'k6';
export const K6_BINARY_VOLUME = 'k6';
export const K6_BINARY_MOUNT = '/k6';
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
