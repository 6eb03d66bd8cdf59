/**
 * A sampled load response, kept for the API's contract: the final head and
 * the body up to a cap. Only a request the sampler chose has one, so a run
 * without a contract copies no body byte; the raw client's read buffer is
 * reused by the socket, so what is kept is copied here. Headers are parsed
 * when the response is judged, not while it is read.
 */

/** Chooses, when a request is sent, whether its response is kept. */
export interface LoadCapture {
  /** `request`: its index in the mix (0 without one) */
  want(request: number): boolean;
  /** body bytes kept per response; a longer body is not judged */
  readonly maxBytes: number;
}

/** What the sample carries for a kept response. */
export interface CapturedResponse {
  headers(): Record<string, string>;
  /** the body as UTF-8, or undefined when it was longer than the cap or content-encoded */
  text(): string | undefined;
  /** the body was longer than the cap */
  readonly capped: boolean;
}

export class ResponseCapture implements CapturedResponse {
  private headText = '';
  private raw: Buffer[] | null = null;
  private chunks: Buffer[] = [];
  private size = 0;
  private parsed: Record<string, string> | null = null;
  capped = false;

  constructor(readonly maxBytes: number) {}

  reset(): void {
    this.headText = '';
    this.raw = null;
    this.chunks = [];
    this.size = 0;
    this.parsed = null;
    this.capped = false;
  }

  /** The raw client: the final head's bytes (status line and fields). */
  head(b: Buffer, start: number, end: number): void {
    this.headText = b.toString('latin1', start, end);
    this.raw = null;
  }

  /** undici: the raw header list, name and value alternating. */
  rawHeaders(list: readonly Buffer[] | null | undefined): void {
    this.raw = list ? [...list] : [];
    this.headText = '';
  }

  body(b: Buffer, start: number, end: number): void {
    if (this.capped) return;
    const room = this.maxBytes - this.size;
    if (end - start > room) {
      this.capped = true;
      this.chunks = [];
      return;
    }
    this.chunks.push(Buffer.from(b.subarray(start, end)));
    this.size += end - start;
  }

  headers(): Record<string, string> {
    if (this.parsed !== null) return this.parsed;
    const out: Record<string, string> = {};
    const add = (name: string, value: string) => {
      const k = name.trim().toLowerCase();
      out[k] = out[k] === undefined ? value : `${out[k]}, ${value}`;
    };
    if (this.raw !== null) {
      for (let i = 0; i + 1 < this.raw.length; i += 2) add(this.raw[i]!.toString('latin1'), this.raw[i + 1]!.toString('latin1'));
    } else {
      for (const line of this.headText.split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) add(line.slice(0, colon), line.slice(colon + 1).trim());
      }
    }
    this.parsed = out;
    return out;
  }

  text(): string | undefined {
    if (this.capped) return undefined;
    // The load client asks for no content coding: a coded body is not decoded here, and not judged.
    const coding = this.headers()['content-encoding'];
    if (coding !== undefined && coding.toLowerCase() !== 'identity') return undefined;
    return Buffer.concat(this.chunks, this.size).toString('utf8');
  }
}
