/**
 * Incremental HTTP/1.1 response parser for the raw load client: one response
 * at a time (pipelining 1), body counted and discarded. It keeps only
 * numbers between chunks; the head is parsed in place with indexOf, and only
 * a head split across reads is copied (the read buffer is reused by the
 * socket). Handles Content-Length, chunked bodies (extensions and trailers
 * skipped), bodies delimited by the connection's close, 1xx interim
 * responses, and Connection: close / HTTP/1.0 keep-alive.
 */

/** feed() results */
export const NEED_MORE = 0;
export const DONE = 1;
export const FAILED = 2;
export type FeedResult = typeof NEED_MORE | typeof DONE | typeof FAILED;

import { ResponseHead } from './response-head.js';
import type { ResponseCapture } from './capture.js';

const MAX_HEAD = 64 * 1024;
const CR = 13;
const LF = 10;
const HEAD_END = Buffer.from('\r\n\r\n');

// Phases
const HEAD = 0;
const LENGTH = 1;
const UNTIL_CLOSE = 2;
const CHUNK_SIZE = 3;
const CHUNK_EXT = 4;
const CHUNK_SIZE_LF = 5;
const CHUNK_DATA = 6;
const CHUNK_DATA_CR = 7;
const CHUNK_DATA_LF = 8;
const TRAILER_START = 9;
const TRAILER_LINE = 10;
const TRAILER_END_LF = 11;
const COMPLETE = 12;

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

export class ResponseParser {
  status = 0;
  /** body bytes (chunked: the data, without framing) */
  bytes = 0;
  /** the connection may carry the next request */
  keepAlive = true;
  /** set with FAILED */
  error = '';
  /** bytes arrived after the response was complete (pipelining 1 expects none) */
  extra = false;
  private phase = HEAD;
  private remaining = 0;
  private chunkDigits = 0;
  private pending: Buffer | null = null;
  private readonly headInfo = new ResponseHead();
  /** keeps the final head and the body of this response (null: count and discard, the hot path) */
  capture: ResponseCapture | null = null;

  reset(): void {
    this.status = 0;
    this.bytes = 0;
    this.keepAlive = true;
    this.error = '';
    this.extra = false;
    this.phase = HEAD;
    this.remaining = 0;
    this.pending = null;
  }

  /** the body runs to the connection's close: the close completes it */
  get untilClose(): boolean {
    return this.phase === UNTIL_CLOSE;
  }

  /** Consumes b[start, end). Anything after a complete response sets `extra`. */
  feed(b: Buffer, start: number, end: number): FeedResult {
    let i = start;
    while (i < end) {
      switch (this.phase) {
        case HEAD: {
          const r = this.head(b, i, end);
          if (r < 0) return this.pending === null ? FAILED : NEED_MORE;
          i = r;
          break;
        }
        case LENGTH: {
          const n = Math.min(this.remaining, end - i);
          if (this.capture !== null) this.capture.body(b, i, i + n);
          this.remaining -= n;
          this.bytes += n;
          i += n;
          if (this.remaining === 0) this.phase = COMPLETE;
          break;
        }
        case UNTIL_CLOSE:
          if (this.capture !== null) this.capture.body(b, i, end);
          this.bytes += end - i;
          return NEED_MORE;
        case CHUNK_DATA: {
          const n = Math.min(this.remaining, end - i);
          if (this.capture !== null) this.capture.body(b, i, i + n);
          this.remaining -= n;
          this.bytes += n;
          i += n;
          if (this.remaining === 0) this.phase = CHUNK_DATA_CR;
          break;
        }
        case TRAILER_LINE: {
          const lf = b.indexOf(LF, i);
          if (lf < 0 || lf >= end) return NEED_MORE;
          i = lf + 1;
          this.phase = TRAILER_START;
          break;
        }
        case COMPLETE:
          this.extra = true;
          return DONE;
        default:
          if (!this.framing(b[i]!)) return FAILED;
          i++;
      }
    }
    return this.phase === COMPLETE ? DONE : NEED_MORE;
  }

  /** One byte of chunk framing (size line, CRLF after data, trailers). */
  private framing(c: number): boolean {
    switch (this.phase) {
      case CHUNK_SIZE: {
        const d = hexDigit(c);
        if (d >= 0) {
          if (++this.chunkDigits > 12) return this.fail('chunk size too large');
          this.remaining = this.remaining * 16 + d;
          return true;
        }
        if (this.chunkDigits === 0) return this.fail('invalid chunk size');
        if (c === CR) this.phase = CHUNK_SIZE_LF;
        else if (c === 59 || c === 32 || c === 9) this.phase = CHUNK_EXT;
        else return this.fail('invalid chunk size');
        return true;
      }
      case CHUNK_EXT:
        if (c === CR) this.phase = CHUNK_SIZE_LF;
        return true;
      case CHUNK_SIZE_LF:
        if (c !== LF) return this.fail('invalid chunk size line');
        this.phase = this.remaining === 0 ? TRAILER_START : CHUNK_DATA;
        return true;
      case CHUNK_DATA_CR:
        if (c !== CR) return this.fail('missing CRLF after chunk data');
        this.phase = CHUNK_DATA_LF;
        return true;
      case CHUNK_DATA_LF:
        if (c !== LF) return this.fail('missing CRLF after chunk data');
        this.startChunk();
        return true;
      case TRAILER_START:
        this.phase = c === CR ? TRAILER_END_LF : TRAILER_LINE;
        return true;
      case TRAILER_END_LF:
        if (c !== LF) return this.fail('invalid trailer section');
        this.phase = COMPLETE;
        return true;
      default:
        return this.fail('parser state');
    }
  }

  private startChunk(): void {
    this.phase = CHUNK_SIZE;
    this.remaining = 0;
    this.chunkDigits = 0;
  }

  private fail(message: string): false {
    this.error = message;
    this.pending = null;
    return false;
  }

  /**
   * Parses a complete head starting at b[i], or keeps a partial one.
   * Returns the index after the head, or -1: partial (pending set) or failed.
   */
  private head(b: Buffer, i: number, end: number): number {
    let buf = b;
    let s = i;
    let e = end;
    let from = i;
    if (this.pending !== null) {
      from = Math.max(0, this.pending.length - 3);
      buf = Buffer.concat([this.pending, b.subarray(i, end)]);
      s = 0;
      e = buf.length;
    }
    const at = buf.indexOf(HEAD_END, from);
    if (at < 0 || at + 4 > e) {
      if (e - s > MAX_HEAD) {
        this.fail('response head too large');
        return -1;
      }
      // The socket reuses its read buffer: keep a copy.
      this.pending = this.pending === null ? Buffer.from(b.subarray(i, end)) : buf;
      return -1;
    }
    const consumedFromPending = this.pending === null ? 0 : this.pending.length;
    this.pending = null;
    if (!this.parseHead(buf, s, at)) return -1;
    // Map the head's end back into b.
    return at + 4 - s - consumedFromPending + i;
  }

  /** Status line and framing headers of b[s, headEnd); sets the body's framing. */
  private parseHead(b: Buffer, s: number, headEnd: number): boolean {
    const h = this.headInfo;
    const error = h.parse(b, s, headEnd);
    if (error !== '') return this.fail(error);
    const { status, keepAlive, length, chunked, otherCoding } = h;
    if (status < 200) {
      // 101 would switch protocols, which we never ask for; other 1xx are interim.
      if (status === 101) return this.fail('unexpected 101 Switching Protocols');
      return true;
    }
    this.status = status;
    this.keepAlive = keepAlive;
    if (this.capture !== null) this.capture.head(b, s, headEnd);
    if (status === 204 || status === 304) this.phase = COMPLETE;
    else if (chunked && !otherCoding) this.startChunk();
    else if (otherCoding) {
      this.phase = UNTIL_CLOSE;
      this.keepAlive = false;
    } else if (length >= 0) {
      this.remaining = length;
      this.phase = length === 0 ? COMPLETE : LENGTH;
    } else {
      this.phase = UNTIL_CLOSE;
      this.keepAlive = false;
    }
    return true;
  }
}
