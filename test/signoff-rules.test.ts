/**
 * The sign-off's PromQL and golive's rule file agree: the health series is
 * the recording rule's expression, the staleness limit is GoLiveCheckStale's,
 * and under `promtool test rules` (the rules evaluated by Prometheus' own
 * engine) the sign-off's availability equals `golive:availability:ratio_24h`
 * over an outage, and counts a missed run as down exactly while
 * GoLiveCheckStale fires.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { selector } from '../src/signoff/criteria.js';
import { availabilityPromql, DEFAULT_STALE_AFTER_S, HEALTH_SUCCESS_RULE, upNow, withRange } from '../src/signoff/queries.js';
import { requireBinary } from './support/prometheus.js';
import { RULES } from './support/signoff-history.js';

interface Rule { record?: string; alert?: string; expr: string; annotations?: Record<string, string> }
const rules = (YAML.parse(await readFile(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const SEL = selector({ job: 'golive', environment: 'prod' });
const LABELS = '{job="golive",environment="prod"}';

/** Minute-by-minute values of an hourly run's finish time (30 s past each hour), stopping after `lastRunMinute`. */
function runTimestamps(minutes: number, lastRunMinute = Infinity): string {
  return Array.from({ length: minutes + 1 }, (_, m) => Math.floor(Math.min(m, lastRunMinute) / 60) * 3600 + 30).join(' ');
}

async function promtoolTest(tests: unknown[]): Promise<{ code: number | null; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'golive-signoff-rules-'));
  const file = join(dir, 'signoff.test.yaml');
  await writeFile(file, YAML.stringify({ rule_files: [RULES], evaluation_interval: '1m', tests }, { lineWidth: 0 }));
  const r = spawnSync(requireBinary('promtool'), ['test', 'rules', file], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('the sign-off and golive-rules.yaml', () => {
  it('read health through the recording rule\'s own expression, and go stale where GoLiveCheckStale does', () => {
    expect(rules.find((r) => r.record === 'golive:health_success')?.expr).toBe(HEALTH_SUCCESS_RULE);
    expect(rules.find((r) => r.alert === 'GoLiveCheckStale')?.expr).toMatch(new RegExp(`> ${DEFAULT_STALE_AFTER_S}$`));
    expect(rules.find((r) => r.record === 'golive:availability:ratio_24h')?.expr).toBe('avg_over_time(golive:health_success[24h])');
  });

  it('under promtool test rules: availability over a 3-hour outage equals golive:availability:ratio_24h; a missed run is down while GoLiveCheckStale fires', async () => {
    const day = 24 * 60;
    const health = Array.from({ length: day + 1 }, (_, m) => (m >= 600 && m < 780 ? 0 : 1)).join(' ');
    const signoff = withRange(availabilityPromql(SEL, DEFAULT_STALE_AFTER_S), '24h');
    const r = await promtoolTest([
      {
        name: 'outage: the sign-off and the recording rule agree',
        interval: '1m',
        input_series: [
          { series: `golive_check_success{job="golive",environment="prod",phase="health"}`, values: health },
          { series: `golive_run_timestamp_seconds${LABELS}`, values: runTimestamps(day) },
        ],
        promql_expr_test: [
          { expr: `abs(max(golive:availability:ratio_24h) - (${signoff})) < bool 1e-9`, eval_time: '24h', exp_samples: [{ labels: '{}', value: 1 }] },
          // 180 of 1441 minutes down (the range holds both ends): 87.5 %
          { expr: `(${signoff}) > bool 0.8750`, eval_time: '24h', exp_samples: [{ labels: '{}', value: 1 }] },
          { expr: `(${signoff}) < bool 0.8752`, eval_time: '24h', exp_samples: [{ labels: '{}', value: 1 }] },
        ],
      },
      {
        name: 'missed runs: the last verdict stands on the Pushgateway, but goes stale',
        interval: '1m',
        input_series: [
          { series: `golive_check_success{job="golive",environment="prod",phase="health"}`, values: '1x600' },
          // the last run at minute 240 (4h 0m 30s); the CronJob stops
          { series: `golive_run_timestamp_seconds${LABELS}`, values: runTimestamps(600, 240) },
        ],
        promql_expr_test: [
          { expr: upNow(SEL, DEFAULT_STALE_AFTER_S), eval_time: '360m', exp_samples: [{ labels: '{}', value: 1 }] },
          { expr: upNow(SEL, DEFAULT_STALE_AFTER_S), eval_time: '390m', exp_samples: [{ labels: '{}', value: 0 }] },
          // the recorded ratio does not see it: why the sign-off counts staleness itself
          { expr: 'golive:health_success', eval_time: '390m', exp_samples: [{ labels: `golive:health_success${LABELS}`, value: 1 }] },
        ],
        alert_rule_test: [
          { alertname: 'GoLiveCheckStale', eval_time: '360m', exp_alerts: [] },
          { alertname: 'GoLiveCheckStale', eval_time: '390m', exp_alerts: [{
            exp_labels: { severity: 'warning', source: 'golive', job: 'golive', environment: 'prod' },
            exp_annotations: {
              summary: 'No golive run for over 2h (prod)',
              description: 'The last golive run of job golive finished 2h 29m 30s ago; the CronJob runs hourly.',
              runbook_url: rules.find((x) => x.alert === 'GoLiveCheckStale')?.annotations?.runbook_url,
            },
          }] },
        ],
      },
    ]);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });
});
