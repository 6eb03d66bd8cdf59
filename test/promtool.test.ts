/**
 * The rule files: promtool check + promtool unit tests, the PrometheusRule in
 * sync with the plain rule file, and every alert covered (firing and not).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { GOLIVE_RULE_GROUPS } from '../src/phases/monitoring-checks.js';
import { requireBinary } from './support/prometheus.js';

const dir = join(import.meta.dirname, '..', 'k8s', 'monitoring');
const read = (f: string) => readFileSync(join(dir, f), 'utf8');

interface Rule { alert?: string; record?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface Group { name: string; rules: Rule[] }
const groups = (YAML.parse(read('golive-rules.yaml')) as { groups: Group[] }).groups;
const alerts = groups.flatMap((g) => g.rules.filter((r) => r.alert));

function promtool(...args: string[]) {
  const r = spawnSync(requireBinary('promtool'), args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('golive rules', () => {
  it('pass promtool check rules', () => {
    const r = promtool('check', 'rules', 'golive-rules.yaml');
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('pass their promtool unit tests', () => {
    const r = promtool('test', 'rules', 'golive-rules.test.yaml');
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('define the alerts the runbook asks for, annotated and with severities', () => {
    expect([...new Set(alerts.map((a) => a.alert))].sort()).toEqual([
      'GoLiveAvailabilityBurnRate', 'GoLiveCertificateExpiringSoon', 'GoLiveCheckFailing', 'GoLiveCheckStale',
      'GoLiveErrorRateHigh', 'GoLiveLatencyP95High', 'GoLiveRollbackTrigger',
    ]);
    for (const a of alerts) {
      expect(Object.keys(a.annotations ?? {}).sort(), a.alert).toEqual(['description', 'runbook_url', 'summary']);
      expect(['warning', 'critical'], a.alert).toContain(a.labels?.severity);
      expect(a.labels?.source, a.alert).toBe('golive');
    }
    expect(alerts.find((a) => a.alert === 'GoLiveRollbackTrigger')?.labels?.severity).toBe('critical');
    expect(groups.map((g) => g.name)).toEqual([...GOLIVE_RULE_GROUPS]);
  });

  it('have a unit test where each alert fires and one where it does not', () => {
    interface AlertTest { alertname: string; exp_alerts: unknown[] }
    const tests = (YAML.parse(read('golive-rules.test.yaml')) as { tests: { alert_rule_test?: AlertTest[] }[] }).tests
      .flatMap((t) => t.alert_rule_test ?? []);
    for (const name of new Set(alerts.map((a) => a.alert))) {
      const mine = tests.filter((t) => t.alertname === name);
      expect(mine.some((t) => t.exp_alerts.length > 0), `${name} firing`).toBe(true);
      expect(mine.some((t) => t.exp_alerts.length === 0), `${name} not firing`).toBe(true);
    }
    // both burn-rate windows are exercised
    const burn = tests.filter((t) => t.alertname === 'GoLiveAvailabilityBurnRate').flatMap((t) => t.exp_alerts as { exp_labels: Record<string, string> }[]);
    expect(new Set(burn.map((a) => a.exp_labels.window))).toEqual(new Set(['fast', 'slow']));
    // both certificate severities are exercised
    const cert = tests.filter((t) => t.alertname === 'GoLiveCertificateExpiringSoon').flatMap((t) => t.exp_alerts as { exp_labels: Record<string, string> }[]);
    expect(new Set(cert.map((a) => a.exp_labels.severity))).toEqual(new Set(['warning', 'critical']));
  });

  it('are the same groups in the PrometheusRule and the plain rule file', () => {
    const pr = YAML.parse(read('prometheusrule.yaml')) as { apiVersion: string; kind: string; spec: { groups: Group[] } };
    expect(pr.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(pr.kind).toBe('PrometheusRule');
    expect(pr.spec.groups).toEqual(groups);
  });

  it('generated files are up to date', () => {
    const r = spawnSync(process.execPath, [join(dir, 'generate.mjs'), '--check'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
