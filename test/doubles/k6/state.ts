/**
 * Shared state of the k6 module doubles: unit tests run the k6 scripts in
 * Node (the real k6 runs them end to end elsewhere) with `k6`, `k6/http` and `k6/execution` replaced by these
 * doubles. The state lives on globalThis because a test bundles a script
 * (with the doubles inlined) and drives it from outside: both copies of this
 * module must see the same recorder.
 */
export interface RecordedRequest {
  method: string;
  url: string;
  body: string | null;
  params: {
    headers?: Record<string, string>;
    tags?: Record<string, string>;
    timeout?: string | number;
    responseCallback?: unknown;
  };
  /** the k6 group path when the request was sent, e.g. `::health` */
  group: string;
}

export interface RecordedCheck {
  name: string;
  ok: boolean;
  tags: Record<string, string>;
  group: string;
}

/** What the double `k6/http` answers; status 0 + error is k6's "no response". */
export interface ScriptedResponse {
  status: number;
  body?: string | null;
  durationMs?: number;
  error?: string;
}

export type Responder = (req: RecordedRequest) => ScriptedResponse;

/** A sample of a custom metric (k6/metrics), e.g. checks_degraded. */
export interface RecordedSample {
  metric: string;
  value: number;
  tags: Record<string, string>;
}

export interface K6DoubleState {
  requests: RecordedRequest[];
  checks: RecordedCheck[];
  samples: RecordedSample[];
  groupStack: string[];
  aborted?: string;
  respond: Responder;
}

const KEY = Symbol.for('golive.test.k6-double');

export function k6Double(): K6DoubleState {
  const g = globalThis as { [KEY]?: K6DoubleState };
  g[KEY] ??= { requests: [], checks: [], samples: [], groupStack: [], respond: () => ({ status: 200, body: '' }) };
  return g[KEY];
}

/** Clears what was recorded and sets how requests are answered. */
export function resetK6Double(respond: Responder = () => ({ status: 200, body: '' })): K6DoubleState {
  const s = k6Double();
  s.requests = [];
  s.checks = [];
  s.samples = [];
  s.groupStack = [];
  delete s.aborted;
  s.respond = respond;
  return s;
}

export function groupPath(s: K6DoubleState): string {
  return s.groupStack.length === 0 ? '' : `::${s.groupStack.join('::')}`;
}

/** Thrown by the double `exec.test.abort`, as k6 stops the iteration at that point. */
export class K6TestAborted extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'K6TestAborted';
  }
}
