/**
 * Reading a response body from a target or sink without trusting it: at most
 * `maxBytes` are kept; one byte more and the stream is destroyed, so an
 * endless or huge body costs a bounded amount of memory and never becomes a
 * string V8 cannot hold.
 */
export type CappedBody =
  | { ok: true; text: string; bytes: number }
  | { ok: false; tooLarge: true; bytes: number };

// One wording for both engines: the k6 scripts apply the same cap (checks/declared/bytes.ts).
export { bodyTooLarge } from '../../checks/declared/bytes.js';

interface BodyStream extends AsyncIterable<Uint8Array> {
  destroy(err?: Error): unknown;
}

export async function readCapped(body: BodyStream, maxBytes: number): Promise<CappedBody> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      body.destroy();
      return { ok: false, tooLarge: true, bytes };
    }
    chunks.push(chunk);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8'), bytes };
}
