/**
 * The part of a response head the raw client needs: status, keep-alive and
 * body framing. Parsed in place, without strings; one object per parser,
 * overwritten by every head.
 */

const CR = 13;
const LF = 10;

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

export class ResponseHead {
  status = 0;
  keepAlive = true;
  /** Content-Length, or -1 when there is none */
  length = -1;
  chunked = false;
  /** a transfer coding other than chunked, last or alone: the body runs to the close */
  otherCoding = false;

  /**
   * Parses the status line and the framing headers of b[s, headEnd), where
   * headEnd is the CR of the blank line. Returns the reason it is malformed,
   * or '' when it is not.
   */
  parse(b: Buffer, s: number, headEnd: number): string {
    if (headEnd - s < 12 || !sameLower(b, s, 'http/1.') || b[s + 8] !== 32) return 'invalid status line';
    const minor = b[s + 7]!;
    if (minor !== 48 && minor !== 49) return 'unsupported HTTP version';
    const d0 = b[s + 9]! - 48;
    const d1 = b[s + 10]! - 48;
    const d2 = b[s + 11]! - 48;
    if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return 'invalid status code';
    if (headEnd > s + 12 && b[s + 12] !== 32 && b[s + 12] !== CR) return 'invalid status line';
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
      if (colon < 0 || colon >= lineEnd) return 'invalid header line';
      let vs = colon + 1;
      while (vs < lineEnd && (b[vs] === 32 || b[vs] === 9)) vs++;
      let ve = lineEnd;
      while (ve > vs && (b[ve - 1] === 32 || b[ve - 1] === 9)) ve--;
      const nameLen = colon - line;
      if (nameLen === 14 && sameLower(b, line, 'content-length')) {
        if (vs === ve) return 'invalid content-length';
        let n = 0;
        for (let k = vs; k < ve; k++) {
          const d = b[k]! - 48;
          if (d < 0 || d > 9 || k - vs >= 15) return 'invalid content-length';
          n = n * 10 + d;
        }
        if (length >= 0 && length !== n) return 'conflicting content-length';
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
    this.status = status;
    this.keepAlive = keepAlive;
    this.length = length;
    this.chunked = chunked;
    this.otherCoding = otherCoding;
    return '';
  }
}
