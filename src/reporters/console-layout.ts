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

export function printer(opts: { color: boolean; width?: number }): Printer {
  const width = Math.max(40, opts.width ?? 120);
  const paint = (c: Cell): string =>
    opts.color && c.tone && c.text ? `\u001B[${SGR[c.tone]}m${c.text}\u001B[0m` : c.text;
  const line = (...cells: Cell[]): string => {
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
