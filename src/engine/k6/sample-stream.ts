/**
 * k6's `--out json` stream, read as k6 writes it: whole lines, each handed to
 * K6PointRecorder (k6-point-recorder.ts), which fills the node engine's
 * MetricStore and per-second Timeline. The stream is hostile input with
 * bounded memory: a line longer than the cap is dropped unread, a line that
 * is not k6's JSON, or a last line cut short (k6 crashed mid-write), is a
 * fault of the engine, kept as the first StreamFault and named by the caller
 * as 107; it is never evidence against the target.
 *
 * Only the metrics golive uses are parsed: each line's metric name is read
 * from its first bytes (k6 v0.57 and v1 both write `{"metric":"NAME",...}`),
 * so the eleven of k6's thirteen lines per request golive does not use cost a
 * scan of their first bytes, not a parse. A chunk's whole lines are decoded
 * once, as latin1, and read by offsets (k6-json-line.ts).
 */
import { lineMetric, PointParser } from './k6-json-line.js';
import { K6PointRecorder, usedMetrics } from './k6-point-recorder.js';

export type StreamFault =
  | { kind: 'malformed'; line: number; detail: string }
  | { kind: 'overlong'; line: number; detail: string }
  | { kind: 'truncated'; line: number; detail: string };

/** 64 KiB: k6's longest line is a Metric declaration with its thresholds, well under 4 KiB. */
export const MAX_LINE_BYTES = 64 * 1024;
const NL = 10;

export class K6SampleStream {
  private readonly samples = new K6PointRecorder((detail) => this.note({ kind: 'malformed', line: this.lineNo, detail }));
  /** the store filled from the stream; its timeline is on k6's clock (each sample's own time) */
  readonly store = this.samples.store;
  /** failed requests by phase and cause (k6's error text, else the status), as the node engine lists them */
  readonly failures = this.samples.failures;
  /** what k6 reported of the API's contract beyond its samples */
  readonly contract = this.samples.contract;
  /** the first fault; later ones are counted only */
  fault: StreamFault | undefined;
  faults = 0;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private skipping = false;
  private lineNo = 0;
  private readonly listeners: (() => void)[] = [];

  /** the metric names read, each mapped to itself: a line's name is looked up, never kept */
  private readonly used: Map<string, string>;
  private readonly lengths: Set<number>;
  private readonly parser = new PointParser();

  /** `extra`: metric names thresholds select beyond the node engine's (http_req_waiting, ...) */
  constructor(extra: readonly string[] = [], private readonly maxLineBytes = MAX_LINE_BYTES) {
    const used = usedMetrics(extra);
    this.used = new Map(used.map((m) => [m, m]));
    this.lengths = new Set(used.map((m) => m.length));
  }

  /** HTTP samples recorded */
  get requests(): number {
    return this.samples.requests;
  }

  /** Called after every chunk that added HTTP samples (abortOnFail judges there). */
  onSamples(fn: () => void): void {
    this.listeners.push(fn);
  }

  write(chunk: Buffer): void {
    const before = this.requests;
    let start = 0;
    if (this.partialBytes > 0 || this.skipping) {
      // the end of the line the last chunk began
      const nl = chunk.indexOf(NL);
      if (nl !== -1) {
        const tail = chunk.subarray(0, nl);
        if (!this.skipping && this.partialBytes + tail.length <= this.maxLineBytes) {
          const whole = Buffer.concat([...this.partial, tail]);
          this.lines(whole, 0, whole.length + 1);
        } else this.overlong();
        this.partial = [];
        this.partialBytes = 0;
        this.skipping = false;
        start = nl + 1;
      }
      // no newline: the whole chunk is more of that line (below)
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= start) {
      this.lines(chunk, start, last + 1);
      start = last + 1;
    }
    if (start < chunk.length && !this.skipping) {
      const rest = chunk.subarray(start);
      if (this.partialBytes + rest.length > this.maxLineBytes) {
        // An endless line: drop what we hold and skip to its end.
        this.partial = [];
        this.partialBytes = 0;
        this.skipping = true;
      } else {
        // Copied: the caller may reuse its buffer.
        this.partial.push(Buffer.from(rest));
        this.partialBytes += rest.length;
      }
    }
    if (this.requests !== before) for (const fn of this.listeners) fn();
  }

  /** The stream ended: a line without its newline is k6 cut short mid-write. */
  end(): void {
    if (this.partialBytes > 0 || this.skipping) {
      this.lineNo++;
      this.note({ kind: 'truncated', line: this.lineNo, detail: `the stream ended inside line ${this.lineNo} (k6 stopped mid-write)` });
    }
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = false;
  }

  private note(f: StreamFault): void {
    this.faults++;
    this.fault ??= f;
  }

  private overlong(): void {
    this.lineNo++;
    this.note({ kind: 'overlong', line: this.lineNo, detail: `line ${this.lineNo} is longer than ${this.maxLineBytes} bytes` });
  }

  /** The lines of buf[from..to), each ended by its newline (a line's own end when `to` is one past buf). */
  private lines(buf: Buffer, from: number, to: number): void {
    // One latin1 string per chunk: its offsets are the bytes' (k6-json-line.ts)
    const text = buf.toString('latin1', from, Math.min(to, buf.length));
    const end = to - from;
    for (let s = 0; s < end;) {
      let nl = text.indexOf('\n', s);
      if (nl === -1) nl = end - 1;
      if (nl - s > this.maxLineBytes) this.overlong();
      else this.line(text, s, nl, buf, from);
      s = nl + 1;
    }
  }

  private line(text: string, s: number, e: number, buf: Buffer, base: number): void {
    this.lineNo++;
    if (e === s) return;
    const name = lineMetric(text, s, e, this.used, this.lengths);
    if (name === undefined) {
      this.note({ kind: 'malformed', line: this.lineNo, detail: `line ${this.lineNo} is not a k6 JSON sample` });
      return;
    }
    // '' a Metric declaration, '-' a metric golive does not use: neither is parsed.
    if (name === '' || name === '-') return;
    const p = this.parser.parse(name, text, s, e, buf, base);
    if (typeof p === 'string') {
      this.note({ kind: 'malformed', line: this.lineNo, detail: `line ${this.lineNo} (${name}) is ${p}` });
      return;
    }
    this.samples.point(name, p);
  }
}
