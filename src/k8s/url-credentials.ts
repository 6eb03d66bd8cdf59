/**
 * Pure: a URL credential never goes into a Kubernetes object. The ConfigMap, the pod spec's
 * env and the Argo template are readable by anyone who may read the namespace's objects,
 * so a URL with userinfo, a query string or a fragment is refused (104) with where the
 * credential belongs instead: the token and Prometheus credentials are read by the runner
 * from the Secret, through secretKeyRefs.
 */
import type { Plan } from '../contract/plan.js';
import { GoliveError } from '../core/errors.js';
import { redactUrl, urlCredentialParts } from '../core/redact.js';
import { PROMETHEUS_SECRET_KEYS } from './names.js';
import type { SecretRef } from './types.js';

const PARTS = { userinfo: 'user:password@', query: 'a query string', fragment: 'a fragment' } as const;

export function refuseUrlCredentials(plan: Plan, secret: SecretRef): void {
  const p = plan.prometheus;
  const k = PROMETHEUS_SECRET_KEYS;
  const promHint = `put Prometheus credentials in the Secret ${secret.name} under the keys ${k.username} and ${k.password} (or ${k.bearerToken}): the runner reads them from there`;
  const urls: Array<[string, string | undefined, string]> = [
    ['--target', plan.target, `pass the target's bearer token in the Secret ${secret.name} under the key ${secret.key} (--secret, --secret-key) and give --target without it`],
    ['--prometheus-rw-url', p.remoteWriteUrl, promHint],
    ['--pushgateway-url', p.pushgatewayUrl, promHint],
    ['--prometheus-url', p.url, promHint],
    ['--grafana-url', p.grafanaUrl, 'give Grafana\'s URL without credentials (its health endpoint needs none)'],
  ];
  for (const [flag, url, how] of urls) {
    if (url === undefined) continue;
    const parts = urlCredentialParts(url);
    if (parts.length === 0) continue;
    throw new GoliveError('GOLIVE_USAGE', `${flag}: ${redactUrl(url)} carries ${parts.map((x) => PARTS[x]).join(' and ')}, which golive k8s would write into the ConfigMap and pod spec in clear; ${how}`);
  }
}
