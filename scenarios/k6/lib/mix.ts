/**
 * The load mix under k6: each iteration sends one of the mix's checks
 * (declared, or the runbook preset's: checks/declared/mix-checks.ts), the
 * one the node engine's generator would send at that position (the same
 * smooth weighted cycle, indexed by k6's iteration number in the whole test,
 * so shares hold in every executor and across VUs). Each request is built
 * once per VU from the setup checks' captures (bytes built once), and tagged
 * as the node engine tags it: `name` (the path as written), `check`, `group`.
 */
import exec from 'k6/execution';
import http from 'k6/http';
import type { Params } from 'k6/http';
import { mixableChecks } from '../../../checks/declared/mix-checks.js';
import { buildRequest } from '../../../checks/declared/request.js';
import type { K6Config } from '../../../src/contract/k6-plan.js';
import { mixCycle } from '../../../src/net/load/mix-cycle.js';
import { checkScope, expectedFor } from './declared.js';
import { expectedStatus } from '../../../checks/declared/evaluate.js';
import { judgeLoad, lowerHeaders, sampleLoad } from './contract.js';

interface MixRequest {
  method: string;
  url: string;
  /** the step's status assertion: what the contract judges */
  expected: (status: number) => boolean;
  body: string | null;
  params: Params;
  tags: Record<string, string>;
}

let built: { requests: MixRequest[]; cycle: Uint16Array } | undefined;

/** Validation proved every entry names a one-step check with a path. */
function build(cfg: K6Config, env: Readonly<Record<string, string | undefined>>, vars: Readonly<Record<string, string>>): NonNullable<typeof built> {
  const entries = cfg.plan.load.mix ?? [];
  const byName = mixableChecks(cfg.plan);
  const scope = checkScope(cfg, env, vars);
  const requests = entries.map((e): MixRequest => {
    const check = byName.get(e.check);
    const step = check?.steps[0];
    if (!check || !step) throw new Error(`load.mix: no one-step check named ${e.check}`);
    const req = buildRequest(step, scope);
    const path = req.url.startsWith(cfg.target) ? req.url.slice(cfg.target.length) || '/' : req.url;
    return {
      method: req.method, url: req.url, body: req.body ?? null, expected: expectedStatus(step),
      params: { headers: req.headers, timeout: cfg.plan.requestTimeoutMs, responseCallback: expectedFor(step) },
      tags: { phase: 'load', scenario: 'load', name: step.path ?? path, check: check.name, group: check.group },
    };
  });
  return { requests, cycle: mixCycle(entries.map((e) => e.weight)) };
}

/** One load request of the mix; `vars` are the setup checks' captures (setup data). */
export function mixRequest(cfg: K6Config, env: Readonly<Record<string, string | undefined>>, vars: Readonly<Record<string, string>>, stage: string | undefined): void {
  built ??= build(cfg, env, vars);
  const { requests, cycle } = built;
  const i = requests.length === 1 ? 0 : cycle[exec.scenario.iterationInTest % cycle.length] ?? 0;
  const r = requests[i];
  if (r === undefined) return;
  const res = http.request(r.method, r.url, r.body, { ...r.params, tags: stage === undefined ? r.tags : { ...r.tags, stage } });
  if (!sampleLoad(i)) return;
  const name = r.tags['name'] ?? r.url;
  judgeLoad(cfg, { method: r.method, url: r.url, name, status: res.status, headers: lowerHeaders(res.headers), text: typeof res.body === 'string' ? res.body : '', expected: r.expected(res.status) });
}
