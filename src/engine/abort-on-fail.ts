/**
 * k6's `abortOnFail` / `delayAbortEval` for the node engine: while the load
 * runs, the thresholds marked abortOnFail are judged every second against the
 * load's samples so far; the first that fails (after its delay, and only with
 * samples: "no samples yet" is not a failure mid-run) stops the load. The run
 * then goes on as usual: later phases run, every report is written, and the
 * same threshold fails the gate at the end (exit 99).
 */
import type { Plan } from '../contract/plan.js';
import type { MetricStore } from '../core/metrics.js';
import { evaluateThresholds } from '../../thresholds/index.js';
import type { AbortWatch } from '../phases/types.js';

export type { AbortWatch };

export function abortOnFailWatch(entries: Plan['abortOnFail'], intervalMs = 1000): AbortWatch | undefined {
  if (entries.length === 0) return undefined;
  let timer: NodeJS.Timeout | undefined;
  let reason: string | undefined;
  return {
    get reason() { return reason; },
    start(store, nowMs) {
      const ctl = new AbortController();
      const t0 = nowMs();
      const judge = (): void => {
        const elapsed = (nowMs() - t0) / 1000;
        for (const e of entries) {
          if (elapsed < e.delaySeconds) continue;
          const [r] = evaluateThresholds({ [e.metric]: [e.expression] }, store, elapsed);
          if (!r || r.ok || r.actual === undefined) continue;
          reason = `${e.metric} ${e.expression} failed ${elapsed.toFixed(0)}s into the load (abortOnFail): ${r.message}`;
          clearInterval(timer);
          ctl.abort(reason);
          return;
        }
      };
      timer = setInterval(judge, intervalMs);
      return ctl.signal;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
