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

/** Case-insensitive compare of b[start, start + name.length) with a lower-case ASCII name. */
function sameLower(b: Buffer, start: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    if ((b[start + i]! | 0x20) !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether the comma-separated value b[s, e) has the token (lower-case). */
function hasToken(b: Buffer, s: number, e: number, token: string): boolean {
  let i = s;
  while (i < e) {
    while (i < e && (b[i] === 32 || b[i] === 9 || b[i] === 44)) i++;
    let j = i;
    while (j < e && b[j] !== 44) j++;
    let k = j;
    while (k > i && (b[k - 1] === 32 || b[k - 1] === 9)) k--;
    if (k - i === token.length && sameLower(b, i, token)) return true;
    i = j + 1;
  }
  return false;
}

/** Whether the last coding of a Transfer-Encoding value b[s, e) is chunked. */
function lastIsChunked(b: Buffer, s: number, e: number): boolean {
  let k = e;
  while (k > s && (b[k - 1] === 32 || b[k - 1] === 9)) k--;
  const start = k - 7;
  if (start < s || !sameLower(b, start, 'chunked')) return false;
  return start === s || b[start - 1] === 44 || b[start - 1] === 32 || b[start - 1] === 9;
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
          this.remaining -= n;
          this.bytes += n;
          i += n;
          if (this.remaining === 0) this.phase = COMPLETE;
          break;
        }
        case UNTIL_CLOSE:
          this.bytes += end - i;
          return NEED_MORE;
        case CHUNK_DATA: {
          const n = Math.min(this.remaining, end - i);
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

  /** Status line and the framing headers of b[s, headEnd) (headEnd at the blank line's CRLF). */
  private parseHead(b: Buffer, s: number, headEnd: number): boolean {
    if (headEnd - s < 12 || !sameLower(b, s, 'http/1.') || b[s + 8] !== 32) return this.fail('invalid status line');
    const minor = b[s + 7]!;
    if (minor !== 48 && minor !== 49) return this.fail('unsupported HTTP version');
    const d0 = b[s + 9]! - 48;
    const d1 = b[s + 10]! - 48;
    const d2 = b[s + 11]! - 48;
    if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return this.fail('invalid status code');
    if (headEnd > s + 12 && b[s + 12] !== 32 && b[s + 12] !== CR) return this.fail('invalid status line');
    const status = d0 * 100 + d1 * 10 + d2;
    let keepAlive = minor === 49;
    let length = -1;
    let chunked = false;
    let otherCoding = false;
    let line = b.indexOf(LF, s) + 1;
    while (line > 0 && line < headEnd) {
      let eol = b.indexOf(LF, line);
      if (eol < 0 || eol > headEnd) eol = headEnd;
      const lineEnd = b[eol - 1] === CR ? eol - 1 : eol;
      const colon = b.indexOf(58, line);
      if (colon < 0 || colon >= lineEnd) return this.fail('invalid header line');
      let vs = colon + 1;
      while (vs < lineEnd && (b[vs] === 32 || b[vs] === 9)) vs++;
      let ve = lineEnd;
      while (ve > vs && (b[ve - 1] === 32 || b[ve - 1] === 9)) ve--;
      const nameLen = colon - line;
      if (nameLen === 14 && sameLower(b, line, 'content-length')) {
        if (vs === ve) return this.fail('invalid content-length');
        let n = 0;
        for (let k = vs; k < ve; k++) {
          const d = b[k]! - 48;
          if (d < 0 || d > 9 || k - vs >= 15) return this.fail('invalid content-length');
          n = n * 10 + d;
        }
        if (length >= 0 && length !== n) return this.fail('conflicting content-length');
        length = n;
      } else if (nameLen === 17 && sameLower(b, line, 'transfer-encoding')) {
        if (lastIsChunked(b, vs, ve)) chunked = true;
        else otherCoding = true;
      } else if (nameLen === 10 && sameLower(b, line, 'connection')) {
        if (hasToken(b, vs, ve, 'close')) keepAlive = false;
        else if (hasToken(b, vs, ve, 'keep-alive')) keepAlive = true;
      }
      line = eol + 1;
    }
    if (status < 200) {
      // 101 would switch protocols, which we never ask for; other 1xx are interim.
      if (status === 101) return this.fail('unexpected 101 Switching Protocols');
      return true;
    }
    this.status = status;
    this.keepAlive = keepAlive;
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
