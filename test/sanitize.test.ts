/** Target- and sink-supplied strings: capped and stripped before any terminal or report (issue 12 item 8). */
import { describe, expect, it } from 'vitest';
import { checkMarketData, preview } from '../checks/index.js';
import { CheckRecorder } from '../src/core/check-recorder.js';
import { MetricStore } from '../src/core/metrics.js';
import { cap, safeLine, stripUnsafe } from '../src/core/sanitize.js';
import { judgeHealth } from './support/runbook-eval.js';

describe('sanitize', () => {
  it('strips C0, DEL, C1, line separators and bidi controls; keeps text, tab and newline', () => {
    expect(stripUnsafe('a\u001b[2Jb\u0007c\u0000d\u007fe\u009bf\u202eg\u202ch\u2066i\u2069j\u200ek\u2028l\tm\nn')).toBe('a[2Jbcdefghijkl\tm\nn');
    expect(stripUnsafe('Zürich → 東京 😀')).toBe('Zürich → 東京 😀');
  });

  it('safeLine folds whitespace and caps, marking the cut, without splitting a surrogate pair', () => {
    expect(safeLine('a\n\tb   c')).toBe('a b c');
    expect(safeLine('x'.repeat(5_000_000)).length).toBe(500);
    expect(safeLine('x'.repeat(600)).endsWith('…')).toBe(true);
    expect(cap(`${'a'.repeat(7)}😀b`, 9)).toBe(`${'a'.repeat(7)}…`);
  });

  it('every check reason is capped and clean when recorded', () => {
    const rec = new CheckRecorder(new MetricStore());
    rec.record('health', 'x', false, `got ${'y'.repeat(100_000)}\u001b[2J`);
    const [r] = rec.all();
    expect(r?.reasons[0]?.length).toBe(500);
  });
});

describe('depth-safe checks', () => {
  const deep = (n: number): unknown => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`);

  it('preview never walks a value: a 100k-deep array is "an array of 1"', () => {
    expect(preview(deep(100_000))).toBe('an array of 1');
    expect(preview('x'.repeat(1000))).toMatch(/^"x{120}"… \(1000 characters\)$/);
    expect(preview({ a: 1 })).toBe('an object');
    expect(preview(undefined)).toBe('nothing');
    expect(preview(3)).toBe('3');
  });

  it('market data with a 100k-deep symbol or date fails its checks instead of overflowing the stack', () => {
    const req = { symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-03' };
    const body = { symbol: deep(100_000), start_date: deep(100_000), end_date: '2025-09-03', bars: [] };
    const out = checkMarketData(req, 200, body);
    expect(out.find((c) => c.name === 'symbol echoed')).toEqual({ name: 'symbol echoed', ok: false, reason: 'symbol: expected "AAPL", got an array of 1' });
    expect(out.find((c) => c.name === 'body matches schema')?.ok).toBe(false);
  });

  it('a 3 MB health status is quoted in 120 characters', () => {
    const [, body] = judgeHealth(200, { status: 'x'.repeat(3_000_000) }, 1);
    expect(body?.reason?.length).toBeLessThan(300);
  });
});
