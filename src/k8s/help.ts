/** `golive k8s --help`; the flags' part comes from the flag table. */
import { renderFlagHelp } from '../config/flag-table.js';
import { K8S_FLAG_GROUPS } from './cli-flags.js';

export const K8S_HELP = `Usage: golive k8s <render|run|schedule> [plan flags] [k8s flags]

  render     print the manifests (YAML) for the plan: the orchestrator's and the runner's
             ServiceAccount, Role and RoleBinding, ConfigMap, NetworkPolicy, Job (and CronJob
             with --schedule, AnalysisTemplate with --argo)
  run        apply the ConfigMap, create the Job, follow it, merge the runners' results,
             write the reports and exit with the verdict (0, 99, ...; 109 Kubernetes API error)
  schedule   create or update the CronJob (and its ConfigMap); idempotent

Plan flags are those of 'golive check' (--target, --phases, --requests, --concurrency, --rate,
--duration, --endpoint, --engine, --threshold, --config, --namespace, --kubeconfig, --out, --json, ...).
The token is never rendered: pods read it from a Secret (see --secret), and so are Prometheus
credentials (keys prometheus-username, prometheus-password, prometheus-bearer-token). A URL with
user:password@, a query string or a fragment is refused (104): it would land in the ConfigMap.

${renderFlagHelp(K8S_FLAG_GROUPS)}`;
