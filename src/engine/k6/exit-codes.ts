/**
 * k6's process exit codes (go.k6.io/k6 errext/exitcodes) and what each means
 * for a golive run. 0, 99 (thresholds) and 110 (test.fail) all mean "k6 ran to
 * the end": golive re-judges the summary itself, so k6's own verdict is only
 * informative. 108 (test.abort) is how golive.ts skips a gated load phase.
 */
export const K6_EXIT = {
  thresholdsFailed: 99,
  setupTimeout: 100,
  teardownTimeout: 101,
  genericTimeout: 102,
  stoppedFromRestApi: 103,
  invalidConfig: 104,
  externalAbort: 105,
  cannotStartRestApi: 106,
  scriptException: 107,
  scriptAborted: 108,
  goPanic: 109,
  markedAsFailed: 110,
} as const;

export type K6ExitClass =
  | { kind: 'finished' }
  | { kind: 'aborted'; reason: string }
  | { kind: 'error'; reason: string };

export interface ExitContext {
  /** golive itself interrupted k6 (SIGINT/SIGTERM or the run deadline) */
  interrupted: boolean;
  /** golive stopped k6 on purpose (abortOnFail): k6's 105 then means "ran until told to stop" */
  stopped?: boolean;
  /** golive.ts reported a failed health phase, so a 108 is the gated load skip */
  loadSkipped: boolean;
}

const ERRORS: Readonly<Record<number, string>> = {
  [K6_EXIT.setupTimeout]: 'k6 setup() timed out (exit 100): the health and market-data requests took longer than setupTimeout',
  [K6_EXIT.teardownTimeout]: 'k6 teardown() timed out (exit 101)',
  [K6_EXIT.genericTimeout]: 'k6 timed out (exit 102)',
  [K6_EXIT.invalidConfig]: 'k6 rejected the script options (exit 104)',
  [K6_EXIT.cannotStartRestApi]: 'k6 could not start its REST API (exit 106)',
  [K6_EXIT.scriptException]: 'the k6 script threw an exception (exit 107)',
  [K6_EXIT.scriptAborted]: 'the k6 script aborted the test (exit 108)',
  [K6_EXIT.goPanic]: 'k6 crashed (Go panic, exit 109)',
};

export function classifyK6Exit(code: number | null, signal: string | null, ctx: ExitContext): K6ExitClass {
  if (ctx.interrupted) return { kind: 'aborted', reason: 'interrupted' };
  if (code === 0 || code === K6_EXIT.thresholdsFailed || code === K6_EXIT.markedAsFailed) return { kind: 'finished' };
  if (code === K6_EXIT.scriptAborted && ctx.loadSkipped) return { kind: 'finished' };
  if (ctx.stopped === true && (code === K6_EXIT.externalAbort || code === 0 || code === K6_EXIT.thresholdsFailed)) return { kind: 'finished' };
  if (code === K6_EXIT.externalAbort) return { kind: 'aborted', reason: 'k6 received a signal (exit 105)' };
  if (code === K6_EXIT.stoppedFromRestApi) return { kind: 'aborted', reason: 'k6 was stopped through its REST API (exit 103)' };
  if (code === null) return { kind: 'error', reason: `k6 was killed by ${signal ?? 'a signal'}` };
  return { kind: 'error', reason: ERRORS[code] ?? `k6 exited with ${code}` };
}

/** k6 logs `time=... level=error msg="..."`; the msg is the useful part. */
export function lastLogMessage(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.trim() ?? '';
    if (line === '') continue;
    const msg = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
    return (msg ?? line).replace(/\\"/g, '"').replace(/\\n/g, ' ');
  }
  return undefined;
}
