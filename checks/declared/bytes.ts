/**
 * The size of a body k6 already holds as text, in the bytes the node client
 * counts against `maxBodyBytes` (UTF-8). Runtime-neutral: k6's runtime has no
 * TextEncoder or Buffer.
 */

/** Whether `text`, encoded as UTF-8, is longer than `max` bytes; stops counting once it is. */
export function overBytes(text: string, max: number): boolean {
  // Each UTF-16 unit is 1 to 3 bytes (a surrogate pair, two units, is 4): most texts decide here.
  if (text.length > max) return true;
  if (text.length * 3 <= max) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > max) return true;
  }
  return false;
}

/** Why a body was not kept, in every report of either engine. */
export function bodyTooLarge(maxBytes: number): string {
  return `body larger than ${maxBytes} bytes`;
}
