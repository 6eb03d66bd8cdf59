/**
 * A real DNS server for tests: Debian's dnsmasq on a loopback port, in the
 * foreground (-k), answering only from the records the test gives it
 * (--no-resolv, --no-hosts: nothing is forwarded off the machine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './ports.js';
import { waitFor } from './wait.js';

export const DNSMASQ_SETUP = 'bash scripts/setup/test-deps.sh (installs the Debian package dnsmasq-base)';

export interface Dnsmasq {
  /** IP:PORT for --dns-server */
  server: string;
  stop(): Promise<void>;
}

function findDnsmasq(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    try {
      accessSync(join(d, 'dnsmasq'), constants.X_OK);
      return join(d, 'dnsmasq');
    } catch { /* next */ }
  }
  throw new Error(`dnsmasq not found: run ${DNSMASQ_SETUP}`);
}

/** `args`: record flags, e.g. --host-record=app.test,127.0.0.1 or --address=/x.test/127.0.0.2 */
export async function startDnsmasq(args: readonly string[]): Promise<Dnsmasq> {
  const port = await freePort();
  const child: ChildProcess = spawn(findDnsmasq(), [
    '-k', '--conf-file=/dev/null', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces',
    '--no-resolv', '--no-hosts', '--pid-file=', `--user=${userInfo().username}`, '--log-facility=-', ...args,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { log = (log + d).slice(-4000); });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  const server = `127.0.0.1:${port}`;
  try {
    // Ready when it answers: a query for a name it does not know is refused or NXDOMAIN, but answered.
    const r = new Resolver({ timeout: 500, tries: 1 });
    r.setServers([server]);
    await waitFor('dnsmasq to answer', async () => {
      if (child.exitCode !== null) throw new Error(`dnsmasq exited ${child.exitCode}: ${log}`);
      try {
        await r.resolve4('ready.invalid');
        return true;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        return code === 'ETIMEOUT' || code === 'ECONNREFUSED' ? undefined : true;
      }
    }, 15_000, 50);
  } catch (err) {
    await stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}; dnsmasq log: ${log}`);
  }
  return { server, stop };
}
