/**
 * Pure: `--stages 30s:50,60s:100,30s:100:2x` -> the staged workload's stage
 * list (DURATION:RATE[:NAME], comma-separated; durations like k6's: 500ms,
 * 30s, 1m30s, 2h, or bare seconds). The schema checks the values; this only
 * splits, and names the flag and the piece when a piece cannot be read.
 */
import { GoliveError } from '../core/errors.js';

export interface StageFlag {
  durationSeconds: number;
  target: number;
  name?: string;
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/** k6-style duration in seconds, or undefined when it is not one. */
export function parseDurationSeconds(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  if (!DURATION.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * (UNIT_SECONDS[m[2] as string] ?? 0);
  return total;
}

export function parseStagesFlag(value: string): StageFlag[] {
  const bad = (piece: string): GoliveError => new GoliveError('GOLIVE_USAGE',
    `--stages: expected DURATION:RATE[:NAME],... e.g. 30s:50,60s:100,30s:100:2x, got "${piece}" (see golive check --help)`);
  const pieces = value.split(',').map((p) => p.trim());
  if (pieces.length === 0 || pieces.some((p) => p === '')) throw bad(value);
  return pieces.map((piece) => {
    const [d, r, name, extra] = piece.split(':');
    const durationSeconds = d === undefined ? undefined : parseDurationSeconds(d);
    const target = r === undefined || r.trim() === '' ? NaN : Number(r.trim());
    if (durationSeconds === undefined || !Number.isFinite(target) || extra !== undefined || name?.trim() === '') throw bad(piece);
    return { durationSeconds, target, ...(name !== undefined ? { name: name.trim() } : {}) };
  });
}
