/**
 * The progress line on stderr. Only on a TTY: redirected stderr (CI logs, a
 * CronJob's pod log) gets nothing at all, never a wall of `\r` frames. Redraws
 * are throttled by the injected clock so a 50k req/s load loop does not spend
 * its time painting.
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
const BAR_WIDTH = 24;

interface Current {
  phase: PhaseName;
  startedAt: number;
  done: number;
  total?: number;
}

function bar(done: number, total: number | undefined): string {
  if (!total || total <= 0) return '';
  const filled = Math.max(0, Math.min(BAR_WIDTH, Math.round((done / total) * BAR_WIDTH)));
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] `;
}

export function createProgress(stream: ProgressStream, clock: Clock): Progress {
  if (!stream.isTTY) return { handle: () => undefined, done: () => undefined };

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
