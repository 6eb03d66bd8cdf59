/**
 * Loaded into the golive child with `node --import` by the hostile suite:
 * at exit, writes the child's own process.resourceUsage() (peak RSS
 * included) to $HOSTILE_RUSAGE_FILE. With --expose-gc and $HOSTILE_GC_MS it
 * also collects garbage that often, so a timer that only a weak reference
 * keeps alive (nodejs/node#57736) is really collected during the test.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.HOSTILE_RUSAGE_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, JSON.stringify(process.resourceUsage()));
  });
}
const every = Number(process.env.HOSTILE_GC_MS);
if (every > 0 && typeof globalThis.gc === 'function') {
  setInterval(() => globalThis.gc(), every).unref();
}

// Stands in for the rest of a busy process holding descriptors: with
// $HOSTILE_HOLD_FDS, that many are opened when golive makes its first client
// socket (after start-up has loaded its modules) and kept.
const hold = Number(process.env.HOSTILE_HOLD_FDS);
if (hold > 0) {
  const { openSync } = await import('node:fs');
  const dc = await import('node:diagnostics_channel');
  const grab = () => {
    dc.unsubscribe('net.client.socket', grab);
    globalThis.__hostileFds = Array.from({ length: hold }, () => openSync('/dev/null', 'r'));
  };
  dc.subscribe('net.client.socket', grab);
}
