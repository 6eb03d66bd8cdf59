/**
 * The load phase's request under k6, mirroring src/phases/load.ts: the same
 * request, the same tags (`phase`, `name` = the path, `stage`). The
 * functional phases are declared checks (declared.ts, runbook.ts).
 */
import exec from 'k6/execution';
import { stageAt } from './stage.js';
import http from 'k6/http';
import type { Params } from 'k6/http';
import type { PhaseName } from '../../../src/core/result.js';
import type { K6Config } from '../../../src/contract/k6-plan.js';
import { mixRequest } from './mix.js';
import { judgeLoad, lowerHeaders, sampleLoad } from './contract.js';
import { defaultExpected } from '../../../checks/declared/expected.js';

/** `scenario` = the phase, as the node engine labels its series: one dashboard groups both engines' series by scenario. */
function params(cfg: K6Config, phase: PhaseName, path: string, extra: Params, stage?: string): Params {
  return { timeout: cfg.plan.requestTimeoutMs, ...extra, tags: { phase, scenario: phase, name: path, ...(stage !== undefined ? { stage } : {}) } };
}

/** What the load mix builds its requests from: k6's env and the setup checks' captures. */
export interface MixSource {
  env: Readonly<Record<string, string | undefined>>;
  vars: Readonly<Record<string, string>>;
}

/** One load request (of the mix, when there is one); k6's executor provides the concurrency or the arrival rate. */
export function loadRequest(cfg: K6Config, mix?: MixSource): void {
  const { path, method } = cfg.plan.load;
  const stage = cfg.plan.load.workload.model === 'staged' ? stageAt(cfg.plan.load.workload, Date.now() - exec.scenario.startTime) : undefined;
  if (cfg.plan.load.mix !== undefined) return mixRequest(cfg, mix?.env ?? {}, mix?.vars ?? {}, stage);
  const headers: Record<string, string> = cfg.token === undefined ? {} : { authorization: `Bearer ${cfg.token}` };
  const p = params(cfg, 'load', path, { headers }, stage);
  const url = cfg.target + path;
  const res = method === 'POST' ? http.post(url, null, p) : http.get(url, p);
  if (!sampleLoad(0)) return;
  const text = typeof res.body === 'string' ? res.body : '';
  judgeLoad(cfg, { method, url, name: path, status: res.status, headers: lowerHeaders(res.headers), text, expected: defaultExpected(res.status) });
}
