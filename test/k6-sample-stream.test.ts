/**
 * golive's reader of k6's `--out json` stream (src/engine/k6/sample-stream.ts):
 * the same store and timeline the node engine fills, however the bytes are
 * cut into chunks, and bounded memory against hostile bytes (an endless line,
 * junk, a last line cut short). The real k6 writes the stream in
 * engine-parity.test.ts; here the lines are exactly what each case needs.
 */
import { describe, expect, it } from 'vitest';
import { K6SampleStream } from '../src/engine/k6/sample-stream.js';
import { checkSample, httpSample, k6JsonLines } from './support/k6-stream.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);

function feed(stream: K6SampleStream, text: string, chunk: number): void {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunk) stream.write(bytes.subarray(i, i + chunk));
  stream.end();
}

const lines = k6JsonLines([
  ...httpSample('load', 10, T0, { status: 200 }),
  ...httpSample('load', 30, T0 + 400, { status: 503 }),
  ...httpSample('load', 20, T0 + 1200, { status: 200, stage: '2x' }),
  checkSample('health', 'GET /health status is 200', false, T0 + 5),
  // as k6 writes it: the executor's drop carries the scenario's name, not its tags
  { metric: 'dropped_iterations', value: 3, tags: { scenario: 'load' }, timeMs: T0 + 1500 },
  { metric: 'vus', value: 7, tags: {}, timeMs: T0 + 1000 },
]);

describe('k6 sample stream', () => {
  it.each([1, 7, 64, 1 << 20])('fills the node engine\'s metrics and per-second timeline (chunks of %i bytes)', (chunk) => {
    const s = new K6SampleStream();
    feed(s, lines, chunk);
    expect(s.fault).toBeUndefined();
    const st = s.store;
    expect(st.select('http_reqs', { phase: 'load' })?.value('count')).toBe(3);
    expect(st.select('http_req_failed', { phase: 'load' })?.value('passes')).toBe(1);
    expect(st.select('http_req_duration', { phase: 'load', stage: '2x' })?.value('max')).toBe(20);
    expect(st.select('http_req_duration', { phase: 'load', status: '503', expected_response: 'false' })?.value('count')).toBe(1);
    expect(st.select('checks', { phase: 'health', check: 'GET /health status is 200' })?.value('fails')).toBe(1);
    expect(st.select('dropped_iterations', { phase: 'load' })?.value('count')).toBe(3);
    expect(st.select('vus')?.value('value')).toBe(7);
    // the node engine's tag set, nothing of k6's url/group
    expect(Object.keys(st.series().find((x) => x.name === 'http_reqs')?.tags ?? {}).sort()).toEqual(['expected_response', 'method', 'name', 'phase', 'scenario', 'status']);
    // k6's own timing trends are not read unless a threshold names them
    expect(st.select('http_req_waiting')).toBeUndefined();
    const tl = st.timeline.toJSON();
    const plain = tl?.series.find((x) => x.phase === 'load' && x.stage === undefined);
    // a run this short is counted in 100 ms intervals, as the node engine counts it
    expect(tl?.intervalMs).toBe(100);
    expect(plain).toMatchObject({ startMs: T0, reqs: [1, 0, 0, 0, 1], failed: [0, 0, 0, 0, 1], failedByClass: { '5xx': [0, 0, 0, 0, 1] } });
    expect(tl?.series.find((x) => x.stage === '2x')).toMatchObject({ startMs: T0 + 1200, reqs: [1] });
    expect(s.failures.list()).toEqual([{ phase: 'load', cause: 'status 503', count: 1, side: 'target' }]);
  });

  it('reads k6\'s optional metrics when a threshold names them', () => {
    const s = new K6SampleStream(['http_req_waiting']);
    feed(s, lines, 100);
    expect(s.store.select('http_req_waiting', { phase: 'load' })?.value('count')).toBe(3);
  });

  it('an endless line is dropped unread (memory bounded by the line cap) and named; the lines after it still count', () => {
    const s = new K6SampleStream([], 4096);
    const huge = `{"metric":"http_req_duration","type":"Point","data":{"tags":{"x":"${'y'.repeat(3_000_000)}"}}}\n`;
    feed(s, huge + lines, 65_536);
    expect(s.fault).toEqual({ kind: 'overlong', line: 1, detail: 'line 1 is longer than 4096 bytes' });
    expect(s.store.select('http_reqs')?.value('count')).toBe(3);
    // never held more than the cap: the partial buffer is what end() would report
    const t = new K6SampleStream([], 4096);
    t.write(Buffer.from(`{"metric":"x${'z'.repeat(100_000)}`));
    expect((t as unknown as { partialBytes: number }).partialBytes).toBe(0);
    t.end();
    expect(t.fault?.kind).toBe('truncated');
  });

  it('junk, a Point without a value or time, and a line cut short are faults, counted; the first is kept', () => {
    const s = new K6SampleStream();
    const bad = [
      'garbage',
      '{"metric":"http_req_duration","type":"Point","data":{"time":"2026-01-01T00:00:00Z","value":"fast","tags":{}}}',
      '{"metric":"checks","type":"Point","data":{"time":"yesterday","value":1,"tags":{}}}',
      '{"metric":"checks","type":"Point","data":',
    ].join('\n');
    feed(s, `${lines}${bad}\n{"metric":"http_req_duration","type":"Po`, 50);
    expect(s.fault).toMatchObject({ kind: 'malformed', detail: expect.stringMatching(/is not a k6 JSON sample$/) });
    expect(s.faults).toBe(5);
    expect(s.store.select('http_reqs')?.value('count')).toBe(3);
  });

  it('reads UTF-8 tags whole however the chunks cut a character, and k6\'s times as Date.parse reads them', () => {
    const name = 'Prüfung: Kurs ≥ 0 ✓';
    const times = ['2026-01-01T10:00:00Z', '2026-01-01T10:00:00.5Z', '2026-01-01T10:00:01.999999999Z', '2026-01-01T12:00:02.123456+02:00', '2026-01-01T10:00:03.0400Z'];
    const tags = { expected_response: 'true', method: 'GET', name, phase: 'load', scenario: 'load', status: '200' };
    const text = times.map((time, i) => `${JSON.stringify({ metric: 'http_req_duration', type: 'Point', data: { time, value: i + 1, tags } })}\n`).join('');
    for (const chunk of [1, 3, 5, 1 << 20]) {
      const s = new K6SampleStream();
      feed(s, text, chunk);
      expect(s.fault).toBeUndefined();
      expect(s.store.select('http_req_duration', { phase: 'load', name })?.value('count')).toBe(5);
      // 100 ms intervals from the first sample: 0, 0.5 s, 1.999 s, 2.123 s (another zone), 3.04 s
      const reqs = s.store.timeline.toJSON()?.series[0]?.reqs ?? [];
      expect(reqs.flatMap((n, i) => (n > 0 ? [i] : []))).toEqual(times.map((t) => Math.floor((Date.parse(t) - Date.parse(times[0]!)) / 100)));
      expect(reqs.flatMap((n, i) => (n > 0 ? [i] : []))).toEqual([0, 5, 19, 21, 30]);
    }
  });

  it('costs a byte scan, not a parse, for every metric it does not use', () => {
    const s = new K6SampleStream();
    const many = k6JsonLines(Array.from({ length: 20_000 }, (_, i) => httpSample('load', 5, T0 + i)).flat());
    const t = process.cpuUsage();
    feed(s, many, 65_536);
    const cpuMs = (process.cpuUsage(t).user + process.cpuUsage(t).system) / 1000;
    expect(s.store.select('http_reqs')?.value('count')).toBe(20_000);
    // the budget is 0.3 CPU s per 10,000 requests; this machine is shared, so only the order of magnitude is judged here
    expect(cpuMs).toBeLessThan(600);
  });
});
