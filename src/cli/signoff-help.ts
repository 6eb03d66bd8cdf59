/** `golive signoff --help` and `golive slo --help` (docs/signoff.md has the long form). */
export const SIGNOFF_HELP = `Usage: golive signoff --prometheus-url URL --since 2026-09-03T09:00Z [flags]

Judges the runbook's Launch Success Criteria over a window from what Prometheus recorded
(golive's verdict series, ALERTS, the capacity run) and writes the sign-off sheet.

  --prometheus-url URL      Prometheus HTTP API (env GOLIVE_PROMETHEUS_URL; credentials from
                            GOLIVE_PROMETHEUS_USERNAME/PASSWORD/BEARER_TOKEN[_FILE])
  --since TIME              start of the window, ISO 8601 with a zone (required)
  --window DUR              length of the window: 24h (default), 7d, ... (whole hours, at most 31d)
  --last DUR                the window of that length up to the last whole hour (instead of both)
  --by day                  also judge every day of the window (the weekly performance report)
  --job NAME                Pushgateway job of golive's runs (default golive)
  --environment NAME        their environment label (env GOLIVE_ENVIRONMENT)
  --checks LIST             the checks that must run at least hourly (default health,market-data,load)
  --stale-after DUR         a run older than this counts as down (default 2h, as GoLiveCheckStale)
  --capacity-summary FILE   the capacity run's summary.json (else read from the Pushgateway series)
  --slo FILE                judge the SLOs of an OpenSLO v1 document instead of the runbook's
  --config FILE             a golive config whose "signoff" key adds queries, checks and signers
  --out DIR                 where signoff.html/.md/.json and signoff-junit.xml go (default reports)
  --notify LIST             post the table: slack,webhook (GOLIVE_SLACK_WEBHOOK_URL, GOLIVE_WEBHOOK_URL)
  --timeout DUR             per-query timeout (default 30s)
  --json                    print signoff.json instead of the table
  --no-color                no colour on a terminal

Exit codes: 0 every criterion passed; 99 one failed, or could not be judged (no data,
not measured, window not over); 104 bad input (before any query); 108 Prometheus could
not be read (never a pass).
`;

export const SLO_HELP = `Usage: golive slo export [--format openslo|sloth] [--job NAME] [--environment NAME]

Prints the runbook's SLOs (availability 99.5 %, p95 < 500 ms, error rate < 1 %) as
OpenSLO v1 (default) or as Sloth prometheus/v1 YAML, on golive's own series.
`;
