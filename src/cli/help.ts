/** Help texts. The check flags' help comes from the flag table (light: no parsers beyond its own). */
import { CHECK_FLAG_GROUPS } from '../config/check-flags/index.js';
import { renderFlagHelp } from '../config/flag-table.js';

export const MAIN_HELP = `golive: may this release go live / stay live?

Usage: golive <command> [flags]

Commands:
  check        run the go-live phases against --target and decide (exit code = verdict)
  init         write a starter golive.config.ts (--from-openapi URL|FILE: checks from the API's contract)
  demo         start the bundled reference API on a free port and run the full check against it
  k8s          render | run | schedule the checks as Kubernetes Jobs / CronJob
  report       re-render report.html (and a Markdown summary) from a summary.json
  compare      compare two runs' summary.json; exit 99 past the regression limits
  signoff      judge the runbook's Launch Success Criteria over a window from Prometheus
  slo          export the runbook's SLOs as OpenSLO v1 or Sloth YAML
  version      print the version

Run 'golive <command> --help' for a command's flags. Exit codes: 0 passed, 99 a check or
threshold failed, 104 invalid config or usage, 105 aborted (partial report written),
107 engine error, 108 results not delivered to Prometheus, 109 Kubernetes API error.
`;

export const CHECK_HELP = `Usage: golive check --target URL [flags]
(npm run golive-check -- --target URL [flags])

${renderFlagHelp(CHECK_FLAG_GROUPS)}`;

export const DEMO_HELP = `Usage: golive demo [check flags]   (npm run demo)

Starts the bundled reference API on a free loopback port with a random token,
runs the full check (health, market-data, load) against it and writes the
reports. Any 'golive check' flag except --target, --config and --token-file
applies; no config file and no GOLIVE_* variable is read.
`;

export const COMPARE_HELP = `Usage: golive compare BASE/summary.json NEW/summary.json [flags]

Prints, per phase and endpoint, the change in p50/p95/p99 latency, failure rate and
throughput from the baseline run to the new one, ✓/✗ per judged row. Exit 0, or 99 when a
limit is crossed or the new run lacks a row the baseline was judged on (docs/compare.md).

  --max-regression SPEC     limits, comma-separated: p(N)|med|avg|max=+N% or +Nms (latency),
                            http_req_failed=+Npp (percentage points) or +N%,
                            http_reqs=-N% (throughput drop); e.g. 'p(95)=+10%,http_req_failed=+0.5pp'.
                            Default: p(95)=+10%,http_req_failed=+0.5pp,http_reqs=-20%;
                            none: a report only (its last line says "not judged")
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
