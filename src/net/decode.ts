/**
 * Content codings of a response body the functional checks read (gzip,
 * deflate, br, as k6 and browsers decode them). The cap on a body applies to
 * the decoded bytes, so a small gzip bomb costs at most maxBodyBytes.
 */
import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** What the functional client asks for. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

export type DecodedBody =
  | { ok: true; stream: Readable; codings: string[] }
  | { ok: false; coding: string };

/** The response's body with its codings undone (last applied, first undone), or the coding we cannot undo. */
export function decodedBody(res: IncomingMessage): DecodedBody {
  const header = res.headers['content-encoding'];
  const codings = (header ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return { ok: true, stream: res, codings };
  const decoders: Transform[] = [];
  for (const c of [...codings].reverse()) {
    const make = DECODERS[c];
    if (!make) return { ok: false, coding: c };
    decoders.push(make());
  }
  // Errors surface where the last stream is read; pipeline destroys the rest with it.
  pipeline([res, ...decoders], () => undefined);
  return { ok: true, stream: decoders[decoders.length - 1] as Transform, codings };
}

/** A zlib failure: the target sent bytes that do not decode as they claim. */
export function isDecodeError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
