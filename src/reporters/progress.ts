/**
 * The progress line on stderr. On a TTY, a bar redrawn in place (throttled by
 * the injected clock so a 50k req/s load loop does not spend its time
 * painting). Off a TTY (CI logs, a CronJob's pod log) never a wall of `\r`
 * frames: one plain line every 10 s while a phase runs (elapsed, requests,
 * errors, current p95), so a long run is not silent; `--quiet` turns it off.
 */
import type { Clock } from '../core/clock.js';
import type { RunEvent } from '../core/events.js';
import type { PhaseName } from '../core/result.js';
import { redactUrls } from '../core/redact.js';
import { STATUS_MARK, fmtDuration, removeControlChars } from './text.js';

export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface Progress {
  handle(event: RunEvent): void;
  done(): void;
}

export const REDRAW_INTERVAL_MS = 100;
/** How often a line is written off a TTY. */
export const LOG_INTERVAL_MS = 10_000;

export interface ProgressOptions {
  /** no progress at all (--quiet) */
  quiet?: boolean;
  /** off a TTY, a line this often (default LOG_INTERVAL_MS) */
  logIntervalMs?: number;
}
const BAR_WIDTH = 24;

interface Current {
  phase: PhaseName;
  startedAt: number;
  done: number;
  total?: number;
  failed?: number;
  p95Ms?: number;
}

function bar(done: number, total: number | undefined): string {
  if (!total || total <= 0) return '';
  const filled = Math.max(0, Math.min(BAR_WIDTH, Math.round((done / total) * BAR_WIDTH)));
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] `;
}

const NOTHING: Progress = { handle: () => undefined, done: () => undefined };

/** The off-TTY line: what a CI log needs to know the run is alive, and how it goes. */
export function progressLine(c: Current, now: number): string {
  const count = c.total ? `${c.done} of ${c.total}` : String(c.done);
  const errors = c.failed === undefined ? '' : `, ${c.failed} failed`;
  const p95 = c.p95Ms === undefined ? '' : `, p95 ${c.p95Ms.toFixed(1)}ms`;
  return `golive: ${c.phase} ${fmtDuration(Math.max(0, now - c.startedAt))}: ${count} requests${errors}${p95}`;
}

/** Off a TTY: a line every `intervalMs` while a phase runs, nothing else. */
function createLogProgress(stream: ProgressStream, clock: Clock, intervalMs: number): Progress {
  let current: Current | undefined;
  const timer = setInterval(() => {
    if (current) stream.write(`${progressLine(current, clock.now())}\n`);
  }, intervalMs);
  // The timer never keeps the process alive.
  timer.unref();
  return {
    handle(event: RunEvent): void {
      if (event.type === 'phase-start') current = { phase: event.phase, startedAt: clock.now(), done: 0 };
      else if (event.type === 'phase-end') current = undefined;
      else if (event.type === 'progress') {
        if (!current || current.phase !== event.phase) current = { phase: event.phase, startedAt: clock.now(), done: 0 };
        current.done = event.done;
        if (event.total !== undefined) current.total = event.total;
        if (event.failed !== undefined) current.failed = event.failed;
        if (event.p95Ms !== undefined) current.p95Ms = event.p95Ms;
      }
    },
    done: () => clearInterval(timer),
  };
}

export function createProgress(stream: ProgressStream, clock: Clock, opts: ProgressOptions = {}): Progress {
  if (opts.quiet) return NOTHING;
  if (!stream.isTTY) return createLogProgress(stream, clock, opts.logIntervalMs ?? LOG_INTERVAL_MS);

  let current: Current | undefined;
  let lastDraw = -Infinity;
  let drawn = false;
  let finished = false;

  const columns = (): number => Math.max(20, (stream.columns ?? 80) - 1);
  const fit = (text: string): string => {
    const chars = [...text];
    return chars.length <= columns() ? text : chars.slice(0, columns()).join('');
  };
  const clear = (): void => {
    if (drawn) stream.write('\r\u001B[K');
    drawn = false;
  };
  const draw = (now: number): void => {
    if (!current) return;
    const elapsed = Math.max(0, now - current.startedAt);
    const rate = elapsed > 0 ? (current.done / elapsed) * 1000 : 0;
    const count = current.total ? `${current.done}/${current.total}` : String(current.done);
    const line = `${current.phase} ${bar(current.done, current.total)}${count}  ${rate.toFixed(1)}/s  ${fmtDuration(elapsed)}`;
    stream.write(`\r${fit(line)}\u001B[K`);
    drawn = true;
    lastDraw = now;
  };
  /** A permanent line above the bar, then the bar again. */
  const println = (text: string): void => {
    clear();
    stream.write(`${fit(removeControlChars(redactUrls(text)).replace(/[\r\n\u001B]/g, ' '))}\n`);
    if (current) draw(clock.now());
  };

  return {
    handle(event: RunEvent): void {
      if (finished) return;
      const now = clock.now();
      switch (event.type) {
        case 'phase-start':
          current = { phase: event.phase, startedAt: now, done: 0 };
          draw(now);
          return;
        case 'progress':
          if (!current || current.phase !== event.phase) current = { phase: event.phase, startedAt: now, done: 0 };
          current.done = event.done;
          if (event.total !== undefined) current.total = event.total;
          if (now - lastDraw >= REDRAW_INTERVAL_MS) draw(now);
          return;
        case 'phase-end': {
          const took = current?.phase === event.phase ? fmtDuration(now - current.startedAt) : '';
          current = undefined;
          println(`${STATUS_MARK[event.status]} ${event.phase} ${event.status}${took ? ` ${took}` : ''}${event.reason ? `: ${event.reason}` : ''}`);
          return;
        }
        case 'log':
          println(`${event.level}: ${event.message}`);
          return;
      }
    },
    done(): void {
      if (finished) return;
      finished = true;
      clear();
    },
  };
}
