/**
 * How the load phase records every response: k6's http_reqs, http_req_failed
 * and http_req_duration, tagged, with one bound recorder per status so the hot
 * loop never builds tag keys. Shared with the benchmark, so the bench measures
 * exactly the work the load phase does.
 */
import type { MetricStore } from '../core/metrics.js';
import type { LoadSample } from './load/index.js';
import { clientFault } from './load/describe-error.js';
import { defaultExpected } from '../../checks/declared/expected.js';

export interface SampleRecorder {
  onSample(sample: LoadSample): void;
  /**
   * one-line causes of requests without a response, counted; causes raised on
   * our side (EMFILE, ...) are counted here but never recorded as the target's
   * requests: they are not evidence against it
   */
  readonly errors: Map<string, number>;
  /** responses with a status outside 200-399, counted by status */
  readonly badStatuses: Map<number, number>;
  /** responses outside 200-399, or none at all */
  unexpected(): number;
}

/**
 * `stageNames`: a staged open model tags every sample with its stage's name
 * (its config name, or its index), e.g. `http_req_duration{stage:2x}`.
 */
/** With a load mix: each request's own tags (`name`, `check`, `group`, `method`) and which statuses it expects. */
export interface MixRequestTags {
  tags: Readonly<Record<string, string>>;
  expected(status: number): boolean;
}

type Recorder = (durationMs: number, targetMs: number | undefined, floorMs: number | undefined) => void;

/** recorder keys: request * STATUS_SPAN + status */
const STATUS_SPAN = 1000;

export function createSampleRecorder(store: MetricStore, base: Readonly<Record<string, string>>, stageNames?: readonly string[], mix?: readonly MixRequestTags[]): SampleRecorder {
  // one map per stage (a single one without stages), request and status -> bound recorder
  const byStage = (stageNames ?? ['']).map(() => new Map<number, Recorder>());
  const errors = new Map<string, number>();
  const badStatuses = new Map<number, number>();
  let unexpected = 0;
  const recorderFor = (stage: number, request: number, status: number): Recorder => {
    const own = mix?.[request];
    const expected = status !== 0 && (own?.expected ?? defaultExpected)(status);
    const stageTag = stageNames?.[stage];
    const tags = { ...base, ...own?.tags, ...(stageTag !== undefined ? { stage: stageTag } : {}), status: String(status), expected_response: String(expected) };
    const reqs = store.recorder('http_reqs', tags);
    const failed = store.recorder('http_req_failed', tags);
    const dur = store.recorder('http_req_duration', tags);
    // The open model's target part, under the same tags, so a threshold can be judged on it too.
    let target: ((ms: number) => void) | undefined;
    const tgt = (ms: number | undefined): void => {
      if (ms !== undefined) (target ??= store.recorder('golive_target_duration', tags))(ms);
    };
    // ...and the part of it golive can prove was the target's (the lag rule's evidence, thresholds/load-evidence.ts).
    let floor: ((ms: number) => void) | undefined;
    const flr = (ms: number | undefined): void => {
      if (ms !== undefined) (floor ??= store.recorder('golive_target_floor', tags))(ms);
    };
    const flag = expected ? 0 : 1;
    const r: Recorder = expected || status === 0
      ? (ms, t, f) => { reqs(1); failed(flag); dur(ms); tgt(t); flr(f); unexpected += flag; }
      : (ms, t, f) => { reqs(1); failed(flag); dur(ms); tgt(t); flr(f); unexpected += flag; badStatuses.set(status, (badStatuses.get(status) ?? 0) + 1); };
    byStage[stage]?.set(request * STATUS_SPAN + status, r);
    return r;
  };
  return {
    onSample(s) {
      if (s.error !== undefined) {
        errors.set(s.error, (errors.get(s.error) ?? 0) + 1);
        if (clientFault(s.error) !== undefined) return;
      }
      const stage = stageNames === undefined ? 0 : Math.min(s.stage ?? 0, byStage.length - 1);
      const request = mix === undefined ? 0 : s.request ?? 0;
      (byStage[stage]?.get(request * STATUS_SPAN + s.status) ?? recorderFor(stage, request, s.status))(s.durationMs, s.targetMs, s.floorMs);
    },
    errors,
    badStatuses,
    unexpected: () => unexpected,
  };
}
