/**
 * The load mix: each check of `load.mix` (declared, or the runbook preset's) becomes one request,
 * rendered once with the setup checks' captures (bytes built once per
 * distinct request), sent by weight, its samples tagged with the check's
 * `name`, `check` and `group` so thresholds and reports split per check.
 */
import { mixableChecks } from '../../checks/declared/mix-checks.js';
import { buildRequest } from '../../checks/declared/request.js';
import type { Plan } from '../contract/plan.js';
import type { MetricStore } from '../core/metrics.js';
import type { LoadMix } from '../net/load/types.js';
import type { MixRequestTags } from '../net/sample-recorder.js';
import { expectedStatus } from './declared.js';
import type { SetupVars } from './declared.js';

export interface BuiltMix {
  mix: LoadMix;
  tags: MixRequestTags[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** The load split per check, one line each, for the console and reports: share, p95, failed. */
export function mixSplit(store: MetricStore, built: BuiltMix): string[] {
  return mixSplitOf(store, built.tags.map((t) => t.tags['check'] ?? ''));
}

/** The same lines for the mix's check names, from any engine's store of load samples. */
export function mixSplitOf(store: MetricStore, names: readonly string[]): string[] {
  const checks = [...new Set(names)];
  const total = store.select('http_reqs', { phase: 'load' })?.value('count') ?? 0;
  return checks.map((check) => {
    const n = store.select('http_reqs', { phase: 'load', check })?.value('count') ?? 0;
    const p95 = store.select('http_req_duration', { phase: 'load', check })?.value('p(95)');
    const failed = store.select('http_req_failed', { phase: 'load', check })?.value('rate');
    const share = total > 0 ? ((100 * n) / total).toFixed(1) : '0.0';
    return `load mix: ${check} ${n} requests (${share} %)${p95 !== undefined ? `, p(95)=${p95.toFixed(2)}ms` : ''}${failed !== undefined ? `, ${(100 * failed).toFixed(2)} % failed` : ''}`;
  });
}

/** Validation proved every entry names a one-step check with a path. */
export function buildLoadMix(plan: Plan, setup: SetupVars, env: Env): BuiltMix | undefined {
  const entries = plan.load.mix;
  if (!entries) return undefined;
  const byName = mixableChecks(plan);
  const origin = plan.target.replace(/\/+$/, '');
  const requests: LoadMix['requests'][number][] = [];
  const tags: MixRequestTags[] = [];
  for (const e of entries) {
    const check = byName.get(e.check);
    const step = check?.steps[0];
    if (!check || !step) continue;
    const req = buildRequest(step, { target: plan.target, env, vars: setup.vars, ...(plan.token ? { token: plan.token } : {}) });
    const path = req.url.startsWith(origin) ? req.url.slice(origin.length) || '/' : req.url;
    requests.push({ method: req.method, path, headers: req.headers, ...(req.body !== undefined ? { body: req.body } : {}) });
    tags.push({ tags: { name: step.path ?? path, method: req.method, check: check.name, group: check.group }, expected: expectedStatus(step) });
  }
  return { mix: { requests, weights: entries.map((e) => e.weight) }, tags };
}
