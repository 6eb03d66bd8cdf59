/**
 * `--engine k6` with the edge phase: k6 cannot read certificate dates
 * (grafana/k6#2498), so the edge phase runs here in Node before k6 starts and
 * its outcome is merged into k6's RunResult, which says so.
 */
import type { Plan } from '../contract/plan.js';
import type { RunResult } from '../core/result.js';
import { edgePhaseFor } from './node-engine.js';
import { runPhases } from './run.js';
import type { Clock } from '../core/clock.js';
import type { EventSink } from '../core/events.js';
import { decideVerdict } from './verdict.js';

export const EDGE_IN_NODE = 'ran in Node before k6 (k6 cannot read certificate dates)';

export interface EdgeFirst {
  /** the plan for k6: the same without the edge phase */
  plan: Plan;
  /** puts the edge phase's outcome into k6's result and judges it again */
  merge(result: RunResult): RunResult;
}

export async function runEdgeFirst(plan: Plan, deps: { ca?: string; clock: Clock; emit: EventSink; signal: AbortSignal }): Promise<EdgeFirst | undefined> {
  const edge = await edgePhaseFor(plan, deps.ca);
  if (!edge) return undefined;
  const state = await runPhases({ ...plan, phases: ['edge'] }, { phases: [edge], clock: deps.clock, emit: deps.emit, signal: deps.signal });
  return {
    plan: { ...plan, phases: plan.phases.filter((p) => p !== 'edge') },
    merge(result) {
      const g = result.golive;
      g.phases = [...state.phases, ...g.phases];
      // The run began with the edge phase.
      g.startedAt = state.startedAt.toISOString();
      g.durationMs += state.durationMs;
      g.checks = [...state.checks, ...g.checks];
      if (state.edge) g.edge = { ...state.edge, ranIn: EDGE_IN_NODE };
      g.notes = [`edge phase ${EDGE_IN_NODE}`, ...state.notes, ...(g.notes ?? [])];
      const checks = state.checks.map((c) => ({ name: c.name, path: `::edge::${c.name}`, id: '', passes: c.passes, fails: c.fails }));
      result.root_group.groups = [{ name: 'edge', path: '::edge', id: '', groups: [], checks }, ...result.root_group.groups];
      if (g.verdict !== 'error') Object.assign(g, decideVerdict({ phases: g.phases, thresholds: g.thresholds, deliveries: [], aborted: g.verdict === 'aborted' }));
      return result;
    },
  };
}
