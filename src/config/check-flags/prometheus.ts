/** Flags: Prometheus, the Pushgateway and Grafana (sinks and the monitoring phase). */
import type { FlagGroup } from '../flag-table.js';

export const PROMETHEUS_FLAGS: FlagGroup = {
  title: 'Prometheus',
  flags: [
    { flag: 'prometheus-rw-url', path: 'prometheus.remoteWriteUrl', value: 'URL', help: 'remote-write results (env GOLIVE_PROMETHEUS_RW_URL)' },
    { flag: 'prometheus-native-histograms', path: 'prometheus.nativeHistograms', type: 'boolean', help: 'also send http_req_duration as a native histogram' },
    { flag: 'pushgateway-url', path: 'prometheus.pushgatewayUrl', value: 'URL', help: 'push the verdict series (env GOLIVE_PUSHGATEWAY_URL)' },
    { flag: 'prometheus-url', path: 'prometheus.url', value: 'URL', help: 'Prometheus API for the monitoring phase (env GOLIVE_PROMETHEUS_URL)' },
    { flag: 'grafana-url', path: 'prometheus.grafanaUrl', value: 'URL', help: "also check Grafana's /api/health in the monitoring phase" },
    { flag: 'prometheus-targets', path: 'prometheus.targetsSelector', value: 'SEL', help: "scrape targets that must be up (default 'up')" },
    { flag: 'prometheus-job', path: 'prometheus.job', value: 'NAME', help: 'Pushgateway job label (default golive)' },
    { flag: 'environment', path: 'environment', value: 'NAME', help: 'label for every series (env GOLIVE_ENVIRONMENT)' },
    { flag: 'testid', path: 'testid', value: 'ID', help: 'testid label (default: the run id)' },
  ],
};
