/**
 * The Grafana dashboard: every PromQL expression (panel targets and variable
 * queries) is accepted by a real Prometheus, and the ConfigMap carries the
 * same JSON with the sidecar label.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { startPrometheus } from './support/prometheus.js';
import type { Server } from './support/prometheus.js';

const dir = join(import.meta.dirname, '..', 'k8s', 'monitoring');
const json = readFileSync(join(dir, 'golive-dashboard.json'), 'utf8');

interface Target { expr: string }
interface Panel { title: string; type: string; targets?: Target[]; panels?: Panel[] }
interface Variable { name: string; type: string; query?: string | { query: string } }
const dashboard = JSON.parse(json) as { uid: string; panels: Panel[]; templating: { list: Variable[] } };
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);

/** Grafana fills these in before Prometheus sees the query. */
function substitute(expr: string): string {
  return expr.replace(/\$\{?(job|environment|testid)\}?/g, '.*')
    .replace(/\$__rate_interval|\$__interval|\$__range/g, '5m');
}

/** label_values(metric{...}, label) is Grafana's, not PromQL: check its selector. */
function variableExprs(): string[] {
  return dashboard.templating.list.filter((v) => v.type === 'query').map((v) => {
    const q = typeof v.query === 'string' ? v.query : v.query?.query ?? '';
    const m = /^label_values\((.*),\s*([a-zA-Z_]\w*)\)$/.exec(q);
    if (!m?.[1]) throw new Error(`variable ${v.name}: unsupported query ${q}`);
    return `count by (${m[2]}) (${m[1]})`;
  });
}

let prom: Server;
beforeAll(async () => {
  prom = await startPrometheus({ ruleFiles: [join(dir, 'golive-rules.yaml')], nativeHistograms: true });
});
afterAll(async () => { await prom?.stop(); });

describe('grafana dashboard', () => {
  it('covers verdict history, p95 and error rate vs thresholds, 24 h availability, per-phase results', () => {
    const titles = panels.map((p) => p.title).join('\n');
    for (const t of ['Verdict history', 'p95 per phase vs threshold', 'Error rate per phase vs threshold', 'Availability', 'Per-phase results']) {
      expect(titles).toContain(t);
    }
    const exprs = panels.flatMap((p) => p.targets ?? []).map((t) => t.expr).join('\n');
    expect(exprs).toContain('vector(0.5)');
    expect(exprs).toContain('vector(0.01)');
    expect(exprs).toContain('golive:availability:ratio_24h');
  });

  it('has only PromQL that Prometheus accepts', async () => {
    const exprs = [...panels.flatMap((p) => p.targets ?? []).map((t) => substitute(t.expr)), ...variableExprs()];
    expect(exprs.length).toBeGreaterThan(10);
    const rejected: string[] = [];
    for (const expr of exprs) {
      const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(5000) });
      const body = (await res.json()) as { status: string; error?: string };
      if (body.status !== 'success') rejected.push(`${expr}: ${body.error ?? res.status}`);
    }
    expect(rejected).toEqual([]);
  });

  it('rejects a broken expression (the check above can fail)', async () => {
    const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent('max by (phase (golive_run_success)')}`, { signal: AbortSignal.timeout(5000) });
    expect(((await res.json()) as { status: string }).status).toBe('error');
  });

  it('ships in a ConfigMap with the grafana_dashboard label', () => {
    const cm = YAML.parse(readFileSync(join(dir, 'grafana-dashboard-configmap.yaml'), 'utf8')) as {
      kind: string; metadata: { labels: Record<string, string> }; data: Record<string, string>;
    };
    expect(cm.kind).toBe('ConfigMap');
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    expect(JSON.parse(cm.data['golive-dashboard.json'] ?? '{}')).toEqual(dashboard);
  });
});
