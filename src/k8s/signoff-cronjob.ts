/**
 * The weekly flavour (runbook, days 5-7: "Weekly performance reports"): a
 * CronJob that runs `golive signoff --last 7d --by day` and posts the table
 * to Slack. Same rules as the hourly CronJob: Pod Security Standard
 * restricted, no service-account token, secrets by secretKeyRef only, a
 * verdict never retried. Its own NetworkPolicy: DNS, Prometheus, HTTPS out.
 */
import type { V1CronJob, V1EnvVar, V1NetworkPolicy } from '@kubernetes/client-node';
import {
  APP, baseLabels, CONFIG_FILE, CONFIG_MOUNT, DEFAULT_CONFIGMAP, DEFAULT_SECRET, LABEL_COMPONENT, LABEL_NAME, NO_RETRY_EXIT_CODES,
  NODE_RUNNER_ENTRY, NODE_RUNNER_IMAGE, NOTIFY_SECRET_KEYS, PROMETHEUS_SECRET_KEYS, REPORTS_MOUNT, RUNNER_CONTAINER, RUNNER_SERVICE_ACCOUNT,
} from './names.js';
import { containerSecurityContext, podSecurityContext } from './security.js';

export interface SignoffSchedule {
  namespace: string;
  /** Monday 09:00 UTC by default */
  schedule: string;
  prometheusUrl: string;
  /** namespace of the Prometheus pods, for the NetworkPolicy */
  prometheusNamespace: string;
  prometheusPort: number;
  environment: string;
}

export const WEEKLY_SIGNOFF: SignoffSchedule = {
  namespace: 'signal-trading',
  schedule: '0 9 * * 1',
  prometheusUrl: 'http://prometheus-operated.signal-trading-monitoring.svc:9090',
  prometheusNamespace: 'signal-trading-monitoring',
  prometheusPort: 9090,
  environment: 'production',
};

const COMPONENT = 'signoff';

function env(s: SignoffSchedule): V1EnvVar[] {
  const secret = (name: string, key: string, optional: boolean): V1EnvVar => ({ name, valueFrom: { secretKeyRef: { name: DEFAULT_SECRET.name, key, ...(optional ? { optional: true } : {}) } } });
  const k = PROMETHEUS_SECRET_KEYS;
  return [
    { name: 'GOLIVE_PROMETHEUS_URL', value: s.prometheusUrl },
    { name: 'GOLIVE_ENVIRONMENT', value: s.environment },
    secret('GOLIVE_PROMETHEUS_USERNAME', k.username, true),
    secret('GOLIVE_PROMETHEUS_PASSWORD', k.password, true),
    secret('GOLIVE_PROMETHEUS_BEARER_TOKEN', k.bearerToken, true),
    // Required: a weekly report nobody receives is a missing key, and the pod says so at start.
    ...NOTIFY_SECRET_KEYS.slack.map(([name, key]) => secret(name, key, false)),
    { name: 'HOME', value: '/tmp' },
  ];
}

export function buildSignoffCronJob(s: SignoffSchedule = WEEKLY_SIGNOFF): V1CronJob {
  const labels = baseLabels(COMPONENT);
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: `${APP}-weekly-signoff`, namespace: s.namespace, labels },
    spec: {
      schedule: s.schedule,
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 4,
      failedJobsHistoryLimit: 4,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: 2,
          // A failed criterion (99) or bad input (104) is an answer, not a flake; 108 (Prometheus unreadable) is retried.
          podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: RUNNER_CONTAINER, operator: 'In', values: [...NO_RETRY_EXIT_CODES] } }] },
          activeDeadlineSeconds: 900,
          ttlSecondsAfterFinished: 7 * 86_400,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              serviceAccountName: RUNNER_SERVICE_ACCOUNT,
              automountServiceAccountToken: false,
              securityContext: podSecurityContext(),
              containers: [{
                name: RUNNER_CONTAINER,
                image: NODE_RUNNER_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
                securityContext: containerSecurityContext(),
                command: [...NODE_RUNNER_ENTRY],
                args: ['signoff', '--config', `${CONFIG_MOUNT}/${CONFIG_FILE}`, '--last', '7d', '--by', 'day', '--out', REPORTS_MOUNT, '--notify', 'slack'],
                env: env(s),
                volumeMounts: [
                  { name: 'config', mountPath: CONFIG_MOUNT, readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'reports', mountPath: REPORTS_MOUNT },
                ],
              }],
              volumes: [
                { name: 'config', configMap: { name: DEFAULT_CONFIGMAP } },
                { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
                { name: 'reports', emptyDir: { sizeLimit: '64Mi' } },
              ],
            },
          },
        },
      },
    },
  };
}

export function buildSignoffNetworkPolicy(s: SignoffSchedule = WEEKLY_SIGNOFF): V1NetworkPolicy {
  const ns = 'kubernetes.io/metadata.name';
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${APP}-signoff`, namespace: s.namespace, labels: baseLabels('network') },
    spec: {
      podSelector: { matchLabels: { [LABEL_NAME]: APP, [LABEL_COMPONENT]: COMPONENT } },
      policyTypes: ['Ingress', 'Egress'],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { [ns]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
        { to: [{ namespaceSelector: { matchLabels: { [ns]: s.prometheusNamespace } }, podSelector: {} }], ports: [{ protocol: 'TCP', port: s.prometheusPort }] },
        // The Slack webhook: HTTPS, wherever Slack resolves to.
        { ports: [{ protocol: 'TCP', port: 443 }] },
      ],
    },
  };
}
