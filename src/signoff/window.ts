/**
 * Pure: the sign-off window from `--since`, `--window` and `--by`, checked
 * before any query, and the hour (or day) buckets the evidence is cut into.
 */
import { GoliveError } from '../core/errors.js';

export const HOUR_S = 3600;
export const DAY_S = 86_400;
/** A range query's points stay well under Prometheus' 11,000 per series. */
export const MAX_WINDOW_S = 31 * DAY_S;

export interface SignoffWindow {
  /** epoch seconds */
  start: number;
  /** epoch seconds: start + window, or the last whole hour before now when the window has not ended */
  end: number;
  /** the window asked for, seconds */
  requested: number;
  /** false while the window is still running: measured so far, not a sign-off */
  complete: boolean;
  by: 'window' | 'day';
}

const usage = (msg: string) => new GoliveError('GOLIVE_USAGE', msg);

/** `24h`, `7d`, `90m` -> seconds. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+)(m|h|d)$/.exec(text.trim());
  if (!m) throw usage(`${flag}: expected a duration in whole minutes, hours or days (e.g. 24h, 7d), got "${text}"`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : m[2] === 'h' ? HOUR_S : DAY_S);
}

/** An ISO 8601 time with a zone (`2026-09-03T09:00Z`): a zoneless one would depend on the machine. */
export function parseSince(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text.trim())) {
    throw usage(`--since: expected an ISO 8601 time with a zone, e.g. 2026-09-03T09:00Z, got "${text}"`);
  }
  const ms = Date.parse(text.trim());
  if (!Number.isFinite(ms)) throw usage(`--since: not a valid time: "${text}"`);
  return Math.floor(ms / 1000);
}

/** `--last 7d`: the window of that length ending at the last whole hour (a CronJob's form). */
export function lastWindow(last: string, nowMs: number): { since: string; window: string } {
  const d = parseDuration('--last', last);
  const end = Math.floor(nowMs / 1000 / HOUR_S) * HOUR_S;
  return { since: new Date((end - d) * 1000).toISOString(), window: last };
}

export function resolveWindow(since: string, window: string, by: string | undefined, nowMs: number): SignoffWindow {
  const start = parseSince(since);
  const requested = parseDuration('--window', window);
  if (requested % HOUR_S !== 0) throw usage(`--window: expected whole hours (the evidence is cut into hours), got "${window}"`);
  if (requested > MAX_WINDOW_S) throw usage(`--window: at most 31d, got "${window}"`);
  if (by !== undefined && by !== 'day') throw usage(`--by: expected day, got "${by}"`);
  if (by === 'day' && requested % DAY_S !== 0) throw usage(`--by day: expected a --window of whole days (e.g. 7d), got "${window}"`);
  const now = Math.floor(nowMs / 1000);
  if (start + HOUR_S > now) throw usage(`--since: ${since} is less than an hour ago or in the future; nothing to sign off yet`);
  const fullEnd = start + requested;
  // A running window is measured up to its last whole hour, so every bucket is a full hour.
  const end = fullEnd <= now ? fullEnd : start + Math.floor((now - start) / HOUR_S) * HOUR_S;
  return { start, end, requested, complete: fullEnd <= now, by: by === 'day' ? 'day' : 'window' };
}

/** Bucket ends (epoch s) of `size` seconds from the window's start; a partial last day is left out. */
export function bucketEnds(w: SignoffWindow, size: number): number[] {
  const out: number[] = [];
  for (let t = w.start + size; t <= w.end; t += size) out.push(t);
  return out;
}

export function iso(epochS: number): string {
  return new Date(epochS * 1000).toISOString().replace('.000Z', 'Z');
}

/** `86400` -> `1d`, `3600` -> `1h`, else seconds: PromQL range text. */
export function promRange(seconds: number): string {
  if (seconds % DAY_S === 0) return `${seconds / DAY_S}d`;
  if (seconds % HOUR_S === 0) return `${seconds / HOUR_S}h`;
  return `${seconds}s`;
}
