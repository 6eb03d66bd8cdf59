/**
 * Runbook "Functionality Testing": an authenticated market-data query returns
 * valid, sane bars, and the same query without credentials is refused.
 */
import { checkAuthRefused, checkMarketData, UnreadableBody } from '../../checks/index.js';
import type { HttpClient, HttpOutcome } from '../net/http.js';
import { clientFaultReason } from '../net/failures.js';
import { Findings } from './findings.js';
import type { PhaseOutcome, PhaseRunner } from './types.js';

export function createMarketDataPhase(http: HttpClient): PhaseRunner {
  return {
    name: 'market-data',
    needs: [],
    async run(ctx): Promise<PhaseOutcome> {
      const { plan } = ctx;
      const found = new Findings();
      const { checks } = found;
      const md = plan.marketData;
      const query = { symbol: md.symbol, start_date: md.startDate, end_date: md.endDate };
      const body = JSON.stringify(query);
      const json = { 'content-type': 'application/json' };
      let failed = 0;
      const faults: string[] = [];
      const rec = (name: string, ok: boolean, reason?: string) => {
        if (!checks.record('market-data', name, ok, reason)) failed++;
      };
      /** false when the outcome is no answer of the target's (aborted, our own fault) */
      const answered = (out: HttpOutcome): boolean => {
        if (out.kind === 'client-fault') faults.push(`POST ${md.path}: ${out.error} (${out.hint})`);
        return out.kind !== 'aborted' && out.kind !== 'client-fault';
      };

      const out = await http.measured('market-data', {
        method: 'POST', path: md.path, body,
        headers: { ...json, authorization: `Bearer ${plan.token ?? ''}` },
      }, found);
      if (!answered(out)) { /* nothing to judge */ } else if (out.kind === 'error') rec(`POST ${md.path} answers`, false, out.error);
      else if (out.kind === 'response') {
        const doc = out.bodyError !== undefined ? new UnreadableBody(out.bodyError) : out.body;
        for (const c of checkMarketData(query, out.status, doc, out.location)) rec(c.name, c.ok, c.reason);
      }

      if (md.checkAuthRefusal && !ctx.signal.aborted) {
        const anon = await http.measured('market-data', {
          method: 'POST', path: md.path, body, headers: json,
          expected: (s) => s === 401 || s === 403,
        }, found);
        if (!answered(anon)) { /* nothing to judge */ } else if (anon.kind === 'error') rec('unauthenticated call refused', false, anon.error);
        else if (anon.kind === 'response') {
          const c = checkAuthRefused(anon.status, anon.location);
          rec(c.name, c.ok, c.reason);
        }
      }
      if (ctx.signal.aborted) return found.outcome('aborted', 'aborted');
      if (faults.length > 0) return found.outcome('error', clientFaultReason(faults));
      return failed === 0 ? found.outcome('passed') : found.outcome('failed', `${failed} market-data check(s) failed`);
    },
  };
}
