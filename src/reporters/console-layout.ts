/**
 * Layout for the console report: cells with tones, lines cut to the terminal
 * width before colouring, aligned tables, and the cleaning every target- or
 * sink-supplied string gets before it reaches a terminal.
 */
import { redactUrls } from '../core/redact.js';
import { removeControlChars } from './text.js';

export type Tone = 'ok' | 'bad' | 'warn' | 'dim' | 'bold';
const SGR: Readonly<Record<Tone, string>> = { ok: '32', bad: '31', warn: '33', dim: '2', bold: '1' };

/** A cell: plain text plus an optional tone, so widths are measured without escapes. */
export interface Cell { text: string; tone?: Tone }

export interface Printer {
  line(...cells: Cell[]): string;
  table(rows: Cell[][], indent?: string): string[];
  /** a blank line and a bold heading */
  heading(text: string): string[];
}

export function clean(text: string): string {
  // Terminal escapes in a check name or reason must not repaint the user's screen.
  return removeControlChars(redactUrls(text)).replace(/[\u001B\u007F-\u009F\r\n\t]/g, ' ');
}

function widthOf(text: string): number {
  return [...text].length;
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** `text` in pieces of at most `max` characters (`first` for the first), broken at spaces where it can be. */
export function wrapText(text: string, max: number, first = max): string[] {
  const out: string[] = [];
  let rest = [...text];
  for (let room = first; rest.length > room; room = max) {
    if (room <= 0) {
      out.push('');
      continue;
    }
    const head = rest.slice(0, room + 1);
    const space = head.lastIndexOf(' ');
    const cutAt = space > room / 3 ? space : room;
    out.push(rest.slice(0, cutAt).join('').trimEnd());
    rest = rest.slice(cutAt);
    while (rest[0] === ' ') rest = rest.slice(1);
  }
  out.push(rest.join(''));
  return out;
}

/** Cells up to this wide are never wrapped onto a line of their own. */
const SHORT_CELL = 40;

export function printer(opts: { color: boolean; width?: number; wrap?: boolean }): Printer {
  const width = Math.max(40, opts.width ?? 120);
  const paint = (c: Cell): string =>
    opts.color && c.tone && c.text ? `\u001B[${SGR[c.tone]}m${c.text}\u001B[0m` : c.text;
  /** Off a TTY nothing is cut: the last cell wraps under itself (or under a short indent). */
  const wrapped = (cells: Cell[]): string => {
    const last = cells[cells.length - 1];
    const lead = cells.slice(0, -1);
    const leadWidth = lead.reduce((n, c) => n + widthOf(c.text), 0);
    const head = lead.map(paint).join('');
    // A short last cell (the header's testid) stays on its line: broken off it would read as a row of its own.
    if (!last || leadWidth + widthOf(last.text) <= width || widthOf(last.text) <= SHORT_CELL) return `${head}${last ? paint(last) : ''}`.trimEnd();
    // Under itself when there is room; otherwise from a short indent on the next lines.
    const indent = leadWidth <= width / 2 ? leadWidth : 4;
    const firstRoom = width - leadWidth >= 20 ? width - leadWidth : 0;
    const pieces = wrapText(last.text, Math.max(20, width - indent), firstRoom);
    const tone = last.tone ? { tone: last.tone } : {};
    return pieces.map((piece, i) => `${i === 0 ? head : ' '.repeat(indent)}${paint({ text: piece, ...tone })}`.trimEnd()).join('\n');
  };
  const line = (...cells: Cell[]): string => {
    if (opts.wrap) return wrapped(cells);
    // Cut the row as a whole, then colour the parts that survived.
    let room = width;
    const out: string[] = [];
    for (const cell of cells) {
      if (room <= 0) break;
      const text = cut(cell.text, room);
      room -= widthOf(text);
      out.push(paint({ text, ...(cell.tone ? { tone: cell.tone } : {}) }));
    }
    return out.join('').trimEnd();
  };
  const table = (rows: Cell[][], indent = '  '): string[] => {
    const cols = Math.max(0, ...rows.map((r) => r.length));
    const widths = Array.from({ length: cols }, (_, i) =>
      Math.max(0, ...rows.map((r) => (i < r.length - 1 ? widthOf(r[i]?.text ?? '') : 0))));
    return rows.map((r) => line({ text: indent }, ...r.map((c, i) =>
      ({ ...c, text: i < r.length - 1 ? c.text.padEnd((widths[i] ?? 0) + 2) : c.text }))));
  };
  return { line, table, heading: (text) => ['', line({ text, tone: 'bold' })] };
}
