/** Names, labels and defaults shared by every manifest builder and the orchestrator. */
import { randomBytes } from 'node:crypto';

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

/** e.g. `20250901-120000-3fa2`: sortable, unique, short enough for every name it ends up in. */
export function newRunId(now: Date = new Date(), suffix: string = randomBytes(2).toString('hex')): string {
  const iso = now.toISOString().replace(/[-:]/g, '');
  return `${iso.slice(0, 8)}-${iso.slice(9, 15)}-${suffix}`.toLowerCase();
}

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
