/** Pure: environment variables -> a raw config fragment (credentials live here). */
import { closestName } from '../core/nearest.js';
import type { RawConfig } from './merge.js';

export const ENV_VARS = {
  GOLIVE_TARGET: 'target URL',
  GOLIVE_TOKEN: 'bearer token for the authenticated endpoints',
  GOLIVE_TOKEN_FILE: 'file holding the bearer token',
  GOLIVE_ENVIRONMENT: 'environment label (e.g. production)',
  GOLIVE_TESTID: 'testid label of the series (default: the run id)',
  GOLIVE_PROMETHEUS_RW_URL: 'Prometheus remote-write URL',
  GOLIVE_PUSHGATEWAY_URL: 'Pushgateway URL',
  GOLIVE_PROMETHEUS_URL: 'Prometheus HTTP API URL (monitoring phase)',
  GOLIVE_PROMETHEUS_USERNAME: 'basic-auth user for Prometheus and Pushgateway',
  GOLIVE_PROMETHEUS_PASSWORD: 'basic-auth password',
  GOLIVE_PROMETHEUS_BEARER_TOKEN: 'bearer token for Prometheus and Pushgateway',
} as const;

/**
 * The other GOLIVE_* variables golive or its scripts read: not plan fields,
 * but a user may set them, so they are known (an unknown one is refused).
 */
export const OTHER_ENV_VARS = {
  GOLIVE_RUN_ID: 'run id of this run (default: generated)',
  GOLIVE_REPORT_URL: 'where notifications say the report is (default: the local report.html)',
  GOLIVE_PROMETHEUS_USERNAME_FILE: 'file holding GOLIVE_PROMETHEUS_USERNAME',
  GOLIVE_PROMETHEUS_PASSWORD_FILE: 'file holding GOLIVE_PROMETHEUS_PASSWORD',
  GOLIVE_PROMETHEUS_BEARER_TOKEN_FILE: 'file holding GOLIVE_PROMETHEUS_BEARER_TOKEN',
  GOLIVE_SLACK_WEBHOOK_URL: '--notify slack: the incoming-webhook URL (or _FILE)',
  GOLIVE_WEBHOOK_URL: '--notify webhook: the URL (or _FILE)',
  GOLIVE_WEBHOOK_TEMPLATE: '--notify webhook: JSON body template (or _FILE)',
  GOLIVE_PAGERDUTY_ROUTING_KEY: '--notify pagerduty: the routing key (or _FILE)',
  GOLIVE_PAGERDUTY_URL: '--notify pagerduty: Events API URL (default PagerDuty\'s)',
  GOLIVE_RUNNER_INDEX: 'set by golive k8s in a parallel runner: its index',
  GOLIVE_RUNNERS: 'set by golive k8s in a parallel runner: how many runners',
  GOLIVE_K6_SCRIPT: 'set by golive k8s in a k6 runner: the bundled k6 script to run (default: bundle scenarios/k6)',
  GOLIVE_PLAN: 'set by golive for the k6 scripts: the plan as JSON',
  GOLIVE_SUMMARY: 'set by golive for the k6 scripts: where the summary goes',
  GOLIVE_SEGMENT: 'set by golive for the k6 scripts: this runner\'s execution segment',
  GOLIVE_SEGMENT_SEQUENCE: 'set by golive for the k6 scripts: the segment sequence',
  GOLIVE_CACHE_DIR: 'setup scripts: cache directory (default ~/.cache/golive)',
  GOLIVE_IMAGE_LOCK_HELD: 'setup scripts: internal lock marker',
  GOLIVE_DEBIAN_MIRROR: 'image build: Debian mirror URL',
  GOLIVE_DEBIAN_SECURITY_MIRROR: 'image build: Debian security mirror URL',
} as const;

/** Secrets that may also be read from the file a `VAR_FILE` names. */
const FILE_VARIANTS = ['GOLIVE_SLACK_WEBHOOK_URL', 'GOLIVE_WEBHOOK_URL', 'GOLIVE_WEBHOOK_TEMPLATE', 'GOLIVE_PAGERDUTY_ROUTING_KEY'];

export const KNOWN_ENV_VARS: readonly string[] = [
  ...Object.keys(ENV_VARS), ...Object.keys(OTHER_ENV_VARS), ...FILE_VARIANTS.map((v) => `${v}_FILE`),
];

/** One line per GOLIVE_* variable golive does not know: a typo must not leave a default in force. */
export function unknownEnvLines(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(env).filter((k) => k.startsWith('GOLIVE_') && !KNOWN_ENV_VARS.includes(k)).sort().map((k) => {
    const near = closestName(k, KNOWN_ENV_VARS);
    return `environment variable ${k}: unknown to golive${near !== undefined ? `, did you mean ${near}?` : ' (see docs/configuration.md)'}`;
  });
}

export function envConfig(env: Readonly<Record<string, string | undefined>>): RawConfig {
  const pick = (k: keyof typeof ENV_VARS) => (env[k] === undefined || env[k] === '' ? undefined : env[k]);
  const prometheus = {
    remoteWriteUrl: pick('GOLIVE_PROMETHEUS_RW_URL'),
    pushgatewayUrl: pick('GOLIVE_PUSHGATEWAY_URL'),
    url: pick('GOLIVE_PROMETHEUS_URL'),
    username: pick('GOLIVE_PROMETHEUS_USERNAME'),
    password: pick('GOLIVE_PROMETHEUS_PASSWORD'),
    bearerToken: pick('GOLIVE_PROMETHEUS_BEARER_TOKEN'),
  };
  return {
    target: pick('GOLIVE_TARGET'),
    token: pick('GOLIVE_TOKEN'),
    environment: pick('GOLIVE_ENVIRONMENT'),
    testid: pick('GOLIVE_TESTID'),
    prometheus,
  };
}
