/**
 * The `runbook` preset: the launch runbook's "Health Endpoint Validation" and
 * "Functionality Testing" written as declared checks, the same data a user
 * writes in `checks` (docs/your-own-checks.md, "The runbook preset"). Built
 * from the plan's `health` and `marketData` settings; pure and
 * runtime-neutral, so either engine can run it.
 */
import type { DeclaredCheck, Step } from '../../src/contract/checks-schema.js';
import { MARKET_CHECKS } from '../market-data.js';
import { expectedStatus } from './evaluate.js';
import { defaultExpected } from './expected.js';
import type { FlowOutcome } from './flow.js';
import type { CheckPolicy } from './recording.js';

export interface RunbookSettings {
  health: { endpoints: readonly string[]; maxResponseMs: number };
  marketData: { path: string; symbol: string; startDate: string; endDate: string; checkAuthRefusal: boolean };
}

export interface RunbookChecks {
  health: DeclaredCheck[];
  marketData: DeclaredCheck[];
}

/** The check that sends the market-data query without credentials. */
export const UNAUTHENTICATED = 'market-data-unauthenticated';

/** `/api/v1/data/health` → `health-api-v1-data-health`; each name once. */
function healthNames(endpoints: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return endpoints.map((path) => {
    const slug = path.replace(/[^A-Za-z0-9_.]+/g, '-').replace(/^-+|-+$/g, '');
    const base = slug === 'health' ? 'health' : `health-${slug || 'root'}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

function step(s: Pick<Step, 'method' | 'path' | 'auth' | 'expect'> & Partial<Step>): Step {
  return { headers: {}, query: {}, capture: {}, ...s };
}

export function runbookChecks(plan: RunbookSettings): RunbookChecks {
  const { health, marketData: md } = plan;
  const names = healthNames(health.endpoints);
  const query = { symbol: md.symbol, start_date: md.startDate, end_date: md.endDate };
  const market = (auth: Step['auth'], expect: Step['expect']) => step({ method: 'POST', path: md.path, auth, json: query, expect });
  return {
    // One check per endpoint: a dead /health must not leave the data service's health unjudged.
    health: health.endpoints.map((path, i) => ({
      name: names[i] ?? 'health', group: 'health', setup: false,
      steps: [step({ method: 'GET', path, auth: 'none', expect: [{ status: 200 }, { builtin: 'healthy-body' }, { maxMs: health.maxResponseMs }] })],
    })),
    marketData: [
      { name: 'market-data', group: 'market-data', setup: false, steps: [market('token', [{ status: 200 }, { builtin: 'ohlc-bars' }])] },
      ...(md.checkAuthRefusal ? [{
        name: UNAUTHENTICATED, group: 'market-data', setup: false,
        steps: [market('none', [{ status: [401, 403], name: MARKET_CHECKS.authRefused }])],
      }] : []),
    ],
  };
}

export const RUNBOOK_PHASES = ['health', 'market-data'] as const;
export type RunbookPhase = (typeof RUNBOOK_PHASES)[number];

/** The preset's checks of one runbook phase. */
export function runbookPhaseChecks(plan: RunbookSettings, phase: RunbookPhase): DeclaredCheck[] {
  const checks = runbookChecks(plan);
  return phase === 'health' ? checks.health : checks.marketData;
}

/** `GET /health status is 200`; no answer is `GET /health answers`. */
const healthName = (_c: DeclaredCheck, o: FlowOutcome) => `${o.stepTitle} ${o.label}`;

/** The rule's own name (`status is 200`); no answer is `POST /api/v1/data/market answers`, or the refusal check itself. */
function marketName(check: DeclaredCheck, o: FlowOutcome): string {
  if (check.name === UNAUTHENTICATED) return MARKET_CHECKS.authRefused;
  return o.label === 'answers' ? `${o.stepTitle} answers` : o.label;
}

/**
 * How the runbook phases record, in both engines, as they always have: the
 * same check names, "not run" counted as failed with the reason, no
 * check/group tags, k6's default expected_response (200-399) where a refusal
 * is not the expected answer, and only the health endpoints' silence or 5xx
 * as the "service unavailable" rollback trigger.
 */
export function runbookPolicy(phase: RunbookPhase): CheckPolicy {
  return {
    recording: {
      notRunFails: true,
      tagged: false,
      unavailable: phase === 'health',
      expected: (check, step) => (check.name === UNAUTHENTICATED ? expectedStatus(step) : defaultExpected),
      statusBlocked: (_check, status) => `status is ${status}, not 200`,
    },
    nameOf: phase === 'health' ? healthName : marketName,
  };
}
