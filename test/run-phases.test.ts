import { describe, expect, it } from 'vitest';
import { validatePlan } from '../src/config/validate.js';
import type { Plan } from '../src/contract/plan.js';
import type { PhaseName } from '../src/core/result.js';
import { abortText, runPhases } from '../src/engine/run.js';
import type { Clock } from '../src/core/clock.js';
import type { RunEvent } from '../src/core/events.js';
import { Findings } from '../src/phases/findings.js';
import type { PhaseContext, PhaseOutcome, PhaseRunner } from '../src/phases/types.js';

function manualClock(start = 1000): Clock & { advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

function runner(name: PhaseName, needs: PhaseName[], body: (ctx: PhaseContext) => Promise<PhaseOutcome>): PhaseRunner & { calls: number } {
  const r = { name, needs, calls: 0, run: (ctx: PhaseContext) => { r.calls++; return body(ctx); } };
  return r;
}

describe('runPhases', () => {
  const plan = (phases: PhaseName[]): Plan => validatePlan({ target: 'http://127.0.0.1:1', token: 't', phases });

  async function run(phases: PhaseName[], runners: PhaseRunner[], signal = new AbortController().signal, clock = manualClock()) {
    const events: RunEvent[] = [];
    const state = await runPhases(plan(phases), {
      phases: runners, clock, signal, emit: (e) => events.push(e), now: () => new Date('2025-01-01T00:00:00.000Z'),
    });
    return { state, events };
  }

  it('runs passing phases in plan order, timed by the injected clock', async () => {
    const clock = manualClock();
    const order: string[] = [];
    const pass = (ms: number) => async (ctx: PhaseContext): Promise<PhaseOutcome> => {
      order.push(ctx.plan.phases.join());
      const found = new Findings();
      found.checks.record('health', 'ok', true);
      clock.advance(ms);
      return found.outcome('passed');
    };
    const { state, events } = await run(['market-data', 'health'], [runner('health', [], pass(70)), runner('market-data', [], pass(30))], undefined, clock);
    expect(state.phases).toEqual([
      { name: 'market-data', status: 'passed', durationMs: 30, startedAt: '2025-01-01T00:00:00.000Z' },
      { name: 'health', status: 'passed', durationMs: 70, startedAt: '2025-01-01T00:00:00.030Z' },
    ]);
    expect(state.durationMs).toBe(100);
    expect(state.abortReason).toBeUndefined();
    expect(state.checks).toEqual([{ phase: 'health', name: 'ok', passes: 2, fails: 0, reasons: [] }]);
    expect(state.store.select('checks')?.value('passes')).toBe(2);
    expect(events.map((e) => `${e.type}:${'phase' in e ? e.phase : ''}`)).toEqual(['phase-start:market-data', 'phase-end:market-data', 'phase-start:health', 'phase-end:health']);
  });

  it('folds what each phase returns (samples, checks, notes, unavailable evidence) in phase order', async () => {
    const health = runner('health', [], async () => {
      const found = new Findings();
      found.store.add('http_reqs', 1, { phase: 'health' });
      found.checks.record('health', 'GET /health status is 200', false, 'got 503');
      found.unavailable.push('GET /health returned 503');
      return found.outcome('failed', '1 health check(s) failed');
    });
    const md = runner('market-data', [], async () => ({ status: 'passed', notes: ['a note'], unavailable: ['second'] }));
    const { state } = await run(['health', 'market-data'], [health, md]);
    expect(state.unavailable).toEqual(['GET /health returned 503', 'second']);
    expect(state.notes).toEqual(['a note']);
    expect(state.checks).toEqual([{ phase: 'health', name: 'GET /health status is 200', passes: 0, fails: 1, reasons: ['got 503'] }]);
    expect(state.store.select('http_reqs')?.value('count')).toBe(1);
    expect(state.store.select('checks', { phase: 'health' })?.value('fails')).toBe(1);
  });

  it('a phase whose need failed is skipped with the reason and never run', async () => {
    const load = runner('load', ['health'], async () => ({ status: 'passed' }));
    const md = runner('market-data', [], async () => ({ status: 'passed' }));
    const { state, events } = await run(['health', 'market-data', 'load'], [
      runner('health', [], async () => ({ status: 'failed', reason: 'GET /health returned 503' })), md, load,
    ]);
    expect(state.phases.map((p) => [p.name, p.status, p.reason])).toEqual([
      ['health', 'failed', 'GET /health returned 503'],
      ['market-data', 'passed', undefined],
      ['load', 'skipped', 'skipped because health failed'],
    ]);
    expect(load.calls).toBe(0);
    expect(md.calls).toBe(1);
    expect(events).toContainEqual({ type: 'phase-end', phase: 'load', status: 'skipped', reason: 'skipped because health failed' });
    expect(events).not.toContainEqual({ type: 'phase-start', phase: 'load' });
  });

  it('a throwing phase is an error with a one-line reason, and later phases still run', async () => {
    const clock = manualClock();
    const md = runner('market-data', [], async () => ({ status: 'passed' }));
    const load = runner('load', ['health'], async () => ({ status: 'passed' }));
    const { state } = await run(['health', 'market-data', 'load'], [
      runner('health', [], async () => { clock.advance(12); throw new Error('socket hang up\n    at Socket.x (net.js:1)'); }), md, load,
    ], undefined, clock);
    expect(state.phases[0]).toMatchObject({ name: 'health', status: 'error', reason: 'socket hang up', durationMs: 12 });
    expect(md.calls).toBe(1);
    expect(state.phases[1]?.status).toBe('passed');
    expect(state.phases[2]).toMatchObject({ status: 'skipped', reason: 'skipped because health error' });
  });

  it('a non-Error throw is still a one-line reason', async () => {
    const { state } = await run(['health'], [runner('health', [], () => Promise.reject('plain\nstring'))]);
    expect(state.phases[0]).toMatchObject({ status: 'error', reason: 'plain' });
  });

  it('a phase listed before its need still waits for it, so the gate holds', async () => {
    const load = runner('load', ['health'], async () => ({ status: 'passed' }));
    const md = runner('market-data', [], async () => ({ status: 'passed' }));
    const { state } = await run(['load', 'market-data', 'health'], [
      runner('health', [], async () => ({ status: 'failed', reason: 'down' })), md, load,
    ]);
    expect(state.phases.map((p) => [p.name, p.status])).toEqual([['health', 'failed'], ['load', 'skipped'], ['market-data', 'passed']]);
    expect(load.calls).toBe(0);
  });

  it('a phase listed twice runs once', async () => {
    const health = runner('health', [], async () => ({ status: 'passed' }));
    const { state } = await run(['health', 'health'], [health]);
    expect(health.calls).toBe(1);
    expect(state.phases).toHaveLength(1);
  });

  it('a need that is not selected does not block', async () => {
    const load = runner('load', ['health'], async () => ({ status: 'passed' }));
    const { state } = await run(['load'], [load]);
    expect(state.phases[0]?.status).toBe('passed');
  });

  it('a phase the engine lacks is an error, not a crash', async () => {
    const { state } = await run(['health', 'cluster'], [runner('health', [], async () => ({ status: 'passed' }))]);
    expect(state.phases[1]).toEqual({ name: 'cluster', status: 'error', reason: 'phase cluster is not available in this engine', durationMs: 0 });
  });

  it('aborted before a phase: it is skipped with the abort reason and not run', async () => {
    const ac = new AbortController();
    ac.abort('SIGTERM');
    const health = runner('health', [], async () => ({ status: 'passed' }));
    const { state } = await run(['health'], [health], ac.signal);
    expect(health.calls).toBe(0);
    expect(state.phases).toEqual([{ name: 'health', status: 'skipped', reason: 'run aborted (SIGTERM)', durationMs: 0 }]);
    expect(state.abortReason).toBe('SIGTERM');
  });

  it('aborted during a phase: a "passed" phase becomes aborted, a failed one stays failed, later ones are skipped', async () => {
    const ac = new AbortController();
    const later = runner('load', [], async () => ({ status: 'passed' }));
    const { state } = await run(['health', 'load'], [
      runner('health', [], async () => { ac.abort('SIGINT'); return { status: 'passed' }; }), later,
    ], ac.signal);
    expect(state.phases.map((p) => [p.status, p.reason])).toEqual([['aborted', undefined], ['skipped', 'run aborted (SIGINT)']]);
    expect(later.calls).toBe(0);

    const ac2 = new AbortController();
    const { state: s2 } = await run(['health'], [runner('health', [], async () => { ac2.abort('SIGINT'); return { status: 'failed', reason: 'x' }; })], ac2.signal);
    expect(s2.phases[0]?.status).toBe('failed');
  });

  it.each<[string, unknown, string]>([
    ['a string reason', 'SIGINT', 'SIGINT'],
    ['a deadline (TimeoutError)', new DOMException('signal timed out', 'TimeoutError'), 'deadline exceeded'],
    ['an Error', new Error('stopped by operator'), 'stopped by operator'],
    ['anything else', 42, 'aborted'],
  ])('abortText for %s', (_name, reason, text) => {
    const ac = new AbortController();
    ac.abort(reason);
    expect(abortText(ac.signal)).toBe(text);
  });

  it('AbortSignal.timeout reads as a deadline', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    expect(abortText(signal)).toBe('deadline exceeded');
  });
});
