/** Help texts; kept free of imports so `golive --help` starts fast. */
export const MAIN_HELP = `golive: may this release go live / stay live?

Usage: golive <command> [flags]

Commands:
  check        run the go-live phases against --target and decide (exit code = verdict)
  demo         start the bundled reference API on a free port and run the full check against it
  k8s          render | run | schedule the checks as Kubernetes Jobs / CronJob
  report       re-render report.html (and a Markdown summary) from a summary.json
  compare      compare two runs' summary.json; exit 99 past --max-regression
  version      print the version

Run 'golive <command> --help' for a command's flags. Exit codes: 0 passed, 99 a check or
threshold failed, 104 invalid config or usage, 105 aborted (partial report written),
107 engine error, 108 results not delivered to Prometheus, 109 Kubernetes API error.
`;

export const CHECK_HELP = `Usage: golive check --target URL [flags]
(npm run golive-check -- --target URL [flags])

Target and phases:
  --target URL              the system under test (env GOLIVE_TARGET)
  --phases LIST             comma list of edge,health,market-data,load,cluster,monitoring
                            (default health,market-data,load; edge first for an https:// target)
  --token-file FILE         bearer token for market-data/load (or env GOLIVE_TOKEN);
                            there is no --token flag: it would land in shell history
  --config FILE             golive.config.ts|.mjs|.js|.json (default: ./golive.config.*)
  --engine node|k6          node (embedded, default) or a local k6 binary
Load:
  --requests N              closed model: N requests in total (default 1000)
  --concurrency C           closed model: C requests in flight (default 10)
  --rate R --duration S     open model: R arrivals/s for S seconds (no coordinated omission)
  --stages D:R[:NAME],...   staged open model, e.g. 30s:50,60s:100,30s:100:2x: the rate ramps
                            linearly to R over D (from 0), samples tagged stage:0.. or stage:NAME
  --max-in-flight N         open model: cap; arrivals beyond it count as dropped_iterations
  --max-schedule-lag MS     open model: the generator fell behind (exit 107) when its
                            schedule-lag p99 passes MS (default 5)
  --profile 2x-baseline     capacity: warm-up at the baseline, ramp, hold at 2x (stages baseline,
                            ramp, 2x), p(95)<500 and rate<0.01 per stage
  --baseline-rps N          the profile's baseline rate
  --baseline-query PROMQL   or read it from --prometheus-url before the load (one number)
  --endpoint PATH           load target path (default /health)
Judging:
  --threshold 'METRIC=EXPR' k6 threshold, repeatable, e.g. 'http_req_duration{phase:load}=p(99)<800'
                            (replaces the default list for that metric)
  --timeout MS              per-request timeout, end to end, body included (default 10000)
  --max-body-bytes N        functional checks keep at most N body bytes; a larger body fails
                            them with "body larger than N bytes" (default 4194304)
  --deadline S              whole-run deadline; when it passes the run aborts with 105 (default 900)
  --ca-file FILE            extra CA bundle (PEM); TLS verification is always on
Edge (certificate, redirect, HSTS, DNS):
  --edge-http-port P        plain-HTTP port that must redirect to HTTPS (default 80)
  --dns-server IP[:PORT]    resolve the target host with this server (default: system resolver)
Output:
  --out DIR                 reports directory (default reports): summary.json, junit.xml, report.html
  --json                    print summary.json to stdout instead of the table
  --no-color                no ANSI colours in the table
  --summary-md FILE         also write a Markdown summary (appended to $GITHUB_STEP_SUMMARY when set)
Baseline (a CI gate before promotion):
  --baseline FILE           a previous run's summary.json: compared per phase and endpoint, its
                            curves drawn under this run's in report.html
  --max-regression SPEC     fail (99) when worse than the baseline by more than e.g.
                            'p(95)=+10%,http_req_failed=+0.5pp' (see golive compare --help)
Prometheus:
  --prometheus-rw-url URL   remote-write results (env GOLIVE_PROMETHEUS_RW_URL)
  --prometheus-native-histograms  also send http_req_duration as a native histogram
  --pushgateway-url URL     push the verdict series (env GOLIVE_PUSHGATEWAY_URL)
  --prometheus-url URL      Prometheus API for the monitoring phase (env GOLIVE_PROMETHEUS_URL)
  --grafana-url URL         also check Grafana's /api/health in the monitoring phase
  --prometheus-targets SEL  scrape targets that must be up (default 'up')
  --prometheus-job NAME     Pushgateway job label (default golive)
  --environment NAME        label for every series (env GOLIVE_ENVIRONMENT)
  --testid ID               testid label (default: the run id)
Kubernetes:
  --namespace NS            namespace for the cluster phase (default signal-trading)
  --kubeconfig FILE         kubeconfig for the cluster phase (default: in-cluster or ~/.kube/config)
  --require-scale-out       gate: an HPA whose target is crossed in the 2x stage must scale out
                            within cluster.scaleOutWithinSeconds (default 120) and not be maxed out
  --segment I/N             run runner I's share of the load of N parallel runners
  --emit-result             print the RunResult (with histograms) between markers on stdout
`;

export const DEMO_HELP = `Usage: golive demo [check flags]   (npm run demo)

Starts the bundled reference API on a free loopback port with a random token,
runs the full check (health, market-data, load) against it and writes the
reports. Any 'golive check' flag except --target, --config and --token-file
applies; no config file and no GOLIVE_* variable is read.
`;

export const COMPARE_HELP = `Usage: golive compare BASE/summary.json NEW/summary.json [flags]

Prints, per phase and endpoint, the change in p50/p95/p99 latency, failure rate and
throughput from the baseline run to the new one. Exit 0, or 99 when a limit is crossed.

  --max-regression SPEC     limits, comma-separated: p(N)|med|avg|max=+N% or +Nms (latency),
                            http_req_failed=+Npp (percentage points) or +N%,
                            http_reqs=-N% (throughput drop); e.g. 'p(95)=+10%,http_req_failed=+0.5pp'
  --min-samples N           rows with fewer requests in either run are shown, not judged (default 20)
  --json                    the comparison as JSON
`;

export const REPORT_HELP = `Usage: golive report SUMMARY.json --out DIR [flags]

Re-renders report.html from a summary.json written by golive check (or golive k8s run).

  --out DIR                 where report.html goes (required)
  --baseline FILE           a baseline run's summary.json: its curves are drawn under this run's
                            and the comparison table is added
  --max-regression SPEC     limits for the comparison table (see golive compare --help)
  --summary-md FILE         also write the Markdown summary there
`;
