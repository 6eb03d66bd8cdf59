/** `golive k8s --help`. */
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

K8s flags:
  --job-namespace NS        where the Job runs (default --namespace, i.e. cluster.namespace)
  --parallelism N           N runner pods (Indexed Job), the load split by k6 execution segments
  --run-id ID               unique run id (default: timestamp + random); re-running the same id
                            adopts its Job instead of starting another
  --image IMAGE             runner image (default ghcr.io/golive/runner:0.1.0, or grafana/k6 for --engine k6)
  --secret NAME             Secret with the token (default golive-credentials)
  --secret-key KEY          key in that Secret (default token)
  --service-account NAME    ServiceAccount of the runner pods (default golive-runner, read-only)
  --egress-cidr CIDR        addresses of a target or Prometheus outside the cluster (repeatable);
                            without it such a URL is refused: the NetworkPolicy would block it
  --api-server-cidr CIDR    the API server's addresses for the cluster phase's egress (repeatable;
                            default: read from the kubernetes Service's EndpointSlice)
  --cleanup POLICY          always | on-success (default) | never: delete the Job and its ConfigMap
  --follow-timeout S        stop following after S seconds (default activeDeadlineSeconds + 60)
  --active-deadline S       Job activeDeadlineSeconds (default plan deadline + 300)
  --ttl S                   Job ttlSecondsAfterFinished (default 86400)
  --backoff-limit N         retries for infrastructure failures (default 2; exit 99/104 never retry)
  --schedule CRON           CronJob schedule (default "0 * * * *", hourly)
  --name NAME               CronJob name (default golive)
  --time-zone TZ            CronJob timeZone, e.g. Europe/Berlin
  --scripts-dir DIR         bundled k6 scripts for --engine k6 (default dist/k6)
  --no-job                  render: leave out the one-off Job
  --argo                    render: add the Argo Rollouts AnalysisTemplate
`;
