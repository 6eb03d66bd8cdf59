/**
 * Runbook "Functionality Testing": an authenticated market-data query returns
 * valid, sane bars, and the same query without credentials is refused.
 */
import { checkAuthRefused, checkMarketData } from '../../checks/index.js';
import type { HttpClient } from '../engine/http.js';
import type { PhaseOutcome, PhaseRunner } from '../engine/types.js';

export function createMarketDataPhase(http: HttpClient): PhaseRunner {
  return {
    name: 'market-data',
    needs: [],
    async run(ctx): Promise<PhaseOutcome> {
      const { plan, store, checks } = ctx;
      const md = plan.marketData;
      const query = { symbol: md.symbol, start_date: md.startDate, end_date: md.endDate };
      const body = JSON.stringify(query);
      const json = { 'content-type': 'application/json' };
      let failed = 0;
      const rec = (name: string, ok: boolean, reason?: string) => {
        if (!checks.record('market-data', name, ok, reason)) failed++;
      };

      const out = await http.measured('market-data', {
        method: 'POST', path: md.path, body,
        headers: { ...json, authorization: `Bearer ${plan.token ?? ''}` },
      }, store);
      if (out.kind === 'error') rec(`POST ${md.path} answers`, false, out.error);
      else for (const c of checkMarketData(query, out.status, out.body)) rec(c.name, c.ok, c.reason);

      if (md.checkAuthRefusal && !ctx.signal.aborted) {
        const anon = await http.measured('market-data', {
          method: 'POST', path: md.path, body, headers: json,
          expected: (s) => s === 401 || s === 403,
        }, store);
        if (anon.kind === 'error') rec('unauthenticated call refused', false, anon.error);
        else {
          const c = checkAuthRefused(anon.status);
          rec(c.name, c.ok, c.reason);
        }
      }
      if (ctx.signal.aborted) return { status: 'aborted', reason: 'aborted' };
      return failed === 0 ? { status: 'passed' } : { status: 'failed', reason: `${failed} market-data check(s) failed` };
    },
  };
}
