/**
 * The state of one series: how a sample goes in, how two states merge, and
 * how a state is written to and read back from a report. Trends keep an HDR
 * histogram (µs resolution, 3 significant digits) plus the exact sum, min and
 * max, so merged runners give exact percentiles.
 */
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { MetricType, SerializedSeries } from './metrics.js';

const HIGHEST_US = 3_600_000_000; // one hour: nothing we wait for lasts longer

export function newHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

interface TrendState { kind: 'trend'; hist: Histogram; sum: number; min: number; max: number }
interface CounterState { kind: 'counter'; sum: number }
interface RateState { kind: 'rate'; passes: number; fails: number }
interface GaugeState { kind: 'gauge'; value: number; min: number; max: number; seen: boolean }
export type State = TrendState | CounterState | RateState | GaugeState;

/** A series' own fields in a report: everything but name, type and tags. */
export type SerializedState = Omit<SerializedSeries, 'name' | 'type' | 'contains' | 'tags'>;

export function emptyState(type: MetricType): State {
  switch (type) {
    case 'trend': return { kind: 'trend', hist: newHistogram(), sum: 0, min: Infinity, max: -Infinity };
    case 'counter': return { kind: 'counter', sum: 0 };
    case 'rate': return { kind: 'rate', passes: 0, fails: 0 };
    case 'gauge': return { kind: 'gauge', value: 0, min: Infinity, max: -Infinity, seen: false };
  }
}

export function record(state: State, value: number): void {
  switch (state.kind) {
    case 'trend': {
      state.hist.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(value * 1000))));
      state.sum += value;
      if (value < state.min) state.min = value;
      if (value > state.max) state.max = value;
      return;
    }
    case 'counter': state.sum += value; return;
    case 'rate': if (value) state.passes++; else state.fails++; return;
    case 'gauge': {
      state.value = value; state.seen = true;
      if (value < state.min) state.min = value;
      if (value > state.max) state.max = value;
    }
  }
}

export function mergeInto(into: State, from: State): void {
  if (into.kind === 'trend' && from.kind === 'trend') {
    into.hist.add(from.hist); into.sum += from.sum;
    into.min = Math.min(into.min, from.min); into.max = Math.max(into.max, from.max);
  } else if (into.kind === 'counter' && from.kind === 'counter') {
    into.sum += from.sum;
  } else if (into.kind === 'rate' && from.kind === 'rate') {
    into.passes += from.passes; into.fails += from.fails;
  } else if (into.kind === 'gauge' && from.kind === 'gauge' && from.seen) {
    into.value = from.value; into.seen = true;
    into.min = Math.min(into.min, from.min); into.max = Math.max(into.max, from.max);
  }
}

export function encodeState(state: State): SerializedState {
  switch (state.kind) {
    case 'trend': return { hdr: hdr.encodeIntoCompressedBase64(state.hist), sum: state.sum, min: state.min, max: state.max };
    case 'counter': return { sum: state.sum };
    case 'rate': return { passes: state.passes, fails: state.fails };
    // An unseen gauge has no value: writing 0 would invent a sample on the way back.
    case 'gauge': return state.seen ? { value: state.value, min: state.min, max: state.max } : {};
  }
}

/** A state read back from a report; missing fields count as no samples. */
export function decodeState(type: MetricType, it: SerializedState): State {
  switch (type) {
    case 'trend': return {
      kind: 'trend',
      hist: it.hdr ? hdr.decodeFromCompressedBase64(it.hdr) : newHistogram(),
      sum: it.sum ?? 0,
      min: it.min ?? Infinity,
      max: it.max ?? -Infinity,
    };
    case 'counter': return { kind: 'counter', sum: it.sum ?? 0 };
    case 'rate': return { kind: 'rate', passes: it.passes ?? 0, fails: it.fails ?? 0 };
    case 'gauge': return it.value === undefined
      ? emptyState('gauge')
      : { kind: 'gauge', value: it.value, min: it.min ?? it.value, max: it.max ?? it.value, seen: true };
  }
}
