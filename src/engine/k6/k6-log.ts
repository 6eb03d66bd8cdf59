/**
 * k6's own stderr. Forwarded line by line it reads like a crash (the health checks
 * the script logs, then `level=error msg="test aborted … golive.js:13472"` for an
 * abort golive itself asked for), so the console gets a digest instead: one line
 * per thing golive can explain, k6's other errors one line each (a few), and a
 * count; the whole log, redacted and capped, is kept as k6.log in the reports
 * directory. The digest is pure (digestK6Log); K6Log does the file I/O.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { safeLine } from '../../core/sanitize.js';
import { LOAD_SKIPPED_MESSAGE, MIX_SKIPPED_MESSAGE } from '../../contract/k6-plan.js';

export const K6_LOG_FILE = 'k6.log';
/** A k6 that logs without end must not fill the disk: the file stops here. */
export const K6_LOG_CAP_BYTES = 8 * 1024 * 1024;
const SHOWN_ERRORS = 3;
/** error lines kept for the digest; the rest are only counted */
const KEPT_ERRORS = 50;

export type K6LogLevel = 'error' | 'warning' | 'other';

/** Pure: k6's logfmt line -> its level and message (`msg="…"` unquoted), or the line itself. */
export function parseK6LogLine(line: string): { level: K6LogLevel; msg: string } {
  const level = /\blevel=(\w+)/.exec(line)?.[1];
  const quoted = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
  const msg = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : /\bmsg=(\S+)/.exec(line)?.[1] ?? line;
  return { level: level === 'error' || level === 'fatal' || level === 'panic' ? 'error' : level === 'warning' ? 'warning' : 'other', msg };
}

/** What golive knows about how k6 ended: its own stop (abortOnFail) or the interrupt it forwarded. */
export interface K6StopContext {
  stopped?: string;
  interrupted?: boolean;
}

export interface K6LogDigest {
  warnings: number;
  errors: number;
  /** one line per cause golive can explain (its own requests to stop) */
  explained: string[];
  /** k6's other errors, one capped line each, at most a few */
  shown: string[];
}

type Explainer = (msg: string, ctx: K6StopContext) => string | undefined;

/** Errors k6 logs because golive asked it to stop, or that golive reports elsewhere. */
const EXPLAINERS: readonly Explainer[] = [
  (msg) => (msg.startsWith(`test aborted: ${LOAD_SKIPPED_MESSAGE}`)
    ? 'load not run: health failed, so golive\'s k6 script ended the test before the load (as designed, not a crash)' : undefined),
  (msg) => (msg.startsWith(`test aborted: ${MIX_SKIPPED_MESSAGE}`)
    ? 'load not run: the load mix\'s declared checks failed, so golive\'s k6 script ended the test before the load (as designed, not a crash)' : undefined),
  (msg, ctx) => {
    if (!/test run was aborted because k6 received a '?interrupt'? signal/.test(msg)) return undefined;
    // the reason itself is in the load phase's row
    if (ctx.stopped !== undefined) return 'stopped early because golive asked it to (abortOnFail: see the load phase)';
    return ctx.interrupted === true ? 'stopped on the interrupt golive forwarded to it' : undefined;
  },
  // k6's remote-write failures become a failed delivery (108) with their reason
  (msg, _ctx) => (/Prometheus remote write|prometheus-rw/i.test(msg) ? '' : undefined),
  // k6's own threshold verdict: golive judges the thresholds itself (its Thresholds table) and names a disagreement
  (msg) => (/^thresholds on metrics .* have been crossed/.test(msg) ? '' : undefined),
];

/** Pure: k6's stderr lines -> the digest the console shows. */
export function digestK6Log(lines: Iterable<string>, ctx: K6StopContext): K6LogDigest {
  const d: K6LogDigest = { warnings: 0, errors: 0, explained: [], shown: [] };
  for (const line of lines) {
    const { level, msg } = parseK6LogLine(line);
    if (level === 'warning') d.warnings++;
    if (level !== 'error') continue;
    d.errors++;
    const why = EXPLAINERS.map((e) => e(msg, ctx)).find((x) => x !== undefined);
    if (why === undefined) {
      if (d.shown.length < SHOWN_ERRORS) d.shown.push(safeLine(msg));
    } else if (why !== '' && !d.explained.includes(why)) d.explained.push(why);
  }
  return d;
}

/** Pure: the digest as console lines (stderr), naming the full log. */
export function k6LogConsoleLines(d: K6LogDigest, logPath: string | undefined): string[] {
  const out = [...d.explained.map((l) => `k6: ${l}`), ...d.shown.map((l) => `k6 error: ${l}`)];
  const hidden = d.errors - d.explained.length - d.shown.length;
  const counts = [
    ...(d.warnings > 0 ? [`${d.warnings} warning${d.warnings === 1 ? '' : 's'}`] : []),
    ...(d.errors > 0 ? [`${d.errors} error${d.errors === 1 ? '' : 's'}${hidden > 0 ? ` (${hidden} not shown)` : ''}`] : []),
  ];
  if (counts.length > 0) out.push(`k6: ${counts.join(', ')} in its log${logPath !== undefined ? `: ${logPath}` : ''}`);
  return out;
}

/** The note in the report that names the log. */
export function k6LogNote(d: K6LogDigest, file: string): string {
  return `k6's own log (${d.warnings} warning${d.warnings === 1 ? '' : 's'}, ${d.errors} error${d.errors === 1 ? '' : 's'}): ${file} in the reports directory`;
}

/**
 * k6.log in the reports directory, written as k6 runs. Memory stays bounded: warnings are
 * counted, only the first error lines are kept for the digest. A write that fails (disk full)
 * stops the file, never the run.
 */
export class K6Log {
  readonly path: string;
  private readonly file: WriteStream;
  private bytes = 0;
  private cut = false;
  private failed: string | undefined;
  private warnings = 0;
  private errors = 0;
  private readonly errorLines: string[] = [];

  constructor(outDir: string) {
    this.path = join(outDir, K6_LOG_FILE);
    this.file = createWriteStream(this.path);
    this.file.on('error', (err) => { this.failed = err.message; });
  }

  /** Whole, already redacted lines. */
  write(lines: readonly string[]): void {
    for (const line of lines) {
      const { level } = parseK6LogLine(line);
      if (level === 'warning') this.warnings++;
      if (level === 'error' && ++this.errors <= KEPT_ERRORS) this.errorLines.push(line);
      this.toFile(line);
    }
  }

  private toFile(line: string): void {
    if (this.cut || this.failed !== undefined) return;
    const size = Buffer.byteLength(line) + 1;
    if (this.bytes + size > K6_LOG_CAP_BYTES) {
      this.cut = true;
      this.file.write(`[golive: k6.log cut at ${K6_LOG_CAP_BYTES} bytes]\n`);
      return;
    }
    this.bytes += size;
    this.file.write(`${line}\n`);
  }

  /** Closes the file; `error` says why it could not be written. */
  async close(ctx: K6StopContext): Promise<{ digest: K6LogDigest; error?: string }> {
    // finished() settles on 'finish' and on 'error' alike: a failed file never hangs the run.
    await finished(this.file.end()).catch(() => undefined);
    const digest = { ...digestK6Log(this.errorLines, ctx), warnings: this.warnings, errors: this.errors };
    return this.failed === undefined ? { digest } : { digest, error: this.failed };
  }
}
