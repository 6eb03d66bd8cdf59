/** Pure: environment variables -> a raw config fragment (credentials live here). */
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
