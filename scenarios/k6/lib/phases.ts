/**
 * The phases as k6 code, mirroring src/phases/* of the node engine: the same
 * requests, the same tags (`phase`, `name` = the path) and the same check names.
 * A response with status 0 is k6's "no answer" (refused, reset, timeout).
 */
import exec from 'k6/execution';
import { stageAt } from './stage.js';
import { group } from 'k6';
import http from 'k6/http';
import type { Params, RefinedResponse, ResponseType } from 'k6/http';
import { checkAuthRefused, checkHealthResponse, checkMarketData } from '../../../checks/index.js';
import type { MarketDataRequest } from '../../../checks/index.js';
import type { PhaseName } from '../../../src/core/result.js';
import type { K6Config } from '../../../src/contract/k6-plan.js';
import { OutcomeRecorder } from './record.js';
import { mixRequest } from './mix.js';
import type { PhaseReport } from './record.js';
import type { K6SetupData } from '../../../src/engine/k6/summary-schema.js';

/** plus `unavailable`: "no answer or 5xx" lines, the runbook's service-unavailable rollback trigger */
export type HealthReport = NonNullable<K6SetupData['health']>;

type Res = RefinedResponse<ResponseType | undefined>;

/**
 * `scenario` = the phase, as the node engine labels its series: the functional
 * phases run in setup(), which k6 runs outside every scenario, and one
 * dashboard groups both engines' series by scenario.
 */
function params(cfg: K6Config, phase: PhaseName, path: string, extra: Params = {}, stage?: string): Params {
  return { timeout: cfg.plan.requestTimeoutMs, ...extra, tags: { phase, scenario: phase, name: path, ...(stage !== undefined ? { stage } : {}) } };
}

function bodyText(res: Res): string {
  return typeof res.body === 'string' ? res.body : '';
}

/** k6 canonicalises header names (Go's textproto): `Location`. */
function location(res: Res): string | undefined {
  return res.headers['Location'];
}

function describeError(res: Res): string {
  return res.error !== '' && res.error !== undefined ? res.error : 'no response';
}

export function runHealth(cfg: K6Config): HealthReport {
  const started = Date.now();
  const rec = new OutcomeRecorder('health');
  const unavailable: string[] = [];
  const { endpoints, maxResponseMs } = cfg.plan.health;
  group('health', () => {
    for (const path of endpoints) {
      const res = http.get(cfg.target + path, params(cfg, 'health', path));
      if (res.status === 0) {
        unavailable.push(`GET ${path}: ${describeError(res)}`);
        rec.record([{ name: `GET ${path} answers`, ok: false, reason: describeError(res) }]);
        continue;
      }
      if (res.status >= 500) unavailable.push(`GET ${path} returned ${res.status}`);
      const outcomes = checkHealthResponse(res.status, bodyText(res), res.timings.duration, maxResponseMs, location(res));
      rec.record(outcomes.map((o) => ({ ...o, name: `GET ${path} ${o.name}` })));
    }
  });
  return { ...rec.report(Date.now() - started), unavailable };
}

export function runMarketData(cfg: K6Config): PhaseReport {
  const started = Date.now();
  const rec = new OutcomeRecorder('market-data');
  const md = cfg.plan.marketData;
  const query: MarketDataRequest = { symbol: md.symbol, start_date: md.startDate, end_date: md.endDate };
  const body = JSON.stringify(query);
  const json = { 'content-type': 'application/json' };
  const url = cfg.target + md.path;
  group('market-data', () => {
    const headers = { ...json, authorization: `Bearer ${cfg.token ?? ''}` };
    const res = http.post(url, body, params(cfg, 'market-data', md.path, { headers }));
    if (res.status === 0) rec.record([{ name: `POST ${md.path} answers`, ok: false, reason: describeError(res) }]);
    else rec.record(checkMarketData(query, res.status, bodyText(res), location(res)));

    if (!md.checkAuthRefusal) return;
    const anon = http.post(url, body, params(cfg, 'market-data', md.path, {
      headers: json,
      // A refusal is the expected answer here, so it does not count in http_req_failed.
      responseCallback: http.expectedStatuses(401, 403),
    }));
    if (anon.status === 0) rec.record([{ name: 'unauthenticated call refused', ok: false, reason: describeError(anon) }]);
    else rec.record([checkAuthRefused(anon.status, location(anon))]);
  });
  return rec.report(Date.now() - started);
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
  if (method === 'POST') http.post(cfg.target + path, null, p);
  else http.get(cfg.target + path, p);
}
