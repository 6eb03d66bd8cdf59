/**
 * Free loopback ports for servers that cannot bind port 0 themselves and tell
 * us which port they got (Prometheus, Pushgateway, etcd, kube-apiserver).
 * Test files run in parallel worker processes: two of them asking the kernel
 * for a free port at the same moment may be handed the same one. A claim file
 * per port (created exclusively, shared by all workers on this machine) makes
 * sure no port is handed out twice within a few minutes.
 */
import { mkdirSync, openSync, closeSync, statSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLAIMS = join(tmpdir(), 'golive-test-ports');
const CLAIM_TTL_MS = 10 * 60_000;

function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function claim(port: number): boolean {
  const file = join(CLAIMS, String(port));
  try {
    closeSync(openSync(file, 'wx'));
    return true;
  } catch {
    try {
      // A stale claim from an earlier run may be taken over.
      if (Date.now() - statSync(file).mtimeMs > CLAIM_TTL_MS) {
        unlinkSync(file);
        return claim(port);
      }
    } catch {
      /* another worker raced us to it: fine, not ours */
    }
    return false;
  }
}

export async function freePort(): Promise<number> {
  mkdirSync(CLAIMS, { recursive: true });
  for (let i = 0; i < 50; i++) {
    const port = await kernelPort();
    if (claim(port)) return port;
  }
  throw new Error('no unclaimed free port after 50 tries');
}

/** A loopback port nothing listens on (bound by the kernel, then closed), claimed like the others. */
export async function closedPort(): Promise<number> {
  return freePort();
}
