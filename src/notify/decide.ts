/**
 * Pure: whether this run notifies, and as what. A failure is a failed gate or
 * an engine error; an abort (Ctrl-C, deadline) is ours, not news for the war
 * room. A recovery is a pass after a failure of the same job and environment.
 */
import type { Verdict } from '../core/result.js';
import type { NotifyOn } from './config.js';

export type Outcome = 'failure' | 'recovery' | 'pass';

export type Previous = 'failed' | 'passed' | undefined;

export function isFailure(v: Verdict): boolean {
  return v === 'failed' || v === 'error';
}

/** undefined: send nothing. */
export function decideNotification(on: NotifyOn, verdict: Verdict, previous: Previous): Outcome | undefined {
  if (verdict === 'aborted') return on === 'always' ? 'pass' : undefined;
  const now: Outcome = isFailure(verdict) ? 'failure' : previous === 'failed' ? 'recovery' : 'pass';
  switch (on) {
    case 'always': return now;
    case 'failure': return now === 'pass' ? undefined : now;
    // The first run we know of counts as a change only when it fails.
    case 'change': return previous === undefined ? (now === 'failure' ? now : undefined)
      : (now === 'failure') !== (previous === 'failed') ? now : undefined;
  }
}
