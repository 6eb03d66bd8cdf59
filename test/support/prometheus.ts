/**
 * Real Prometheus and Pushgateway (Debian packages `prometheus`,
 * `prometheus-pushgateway`) on free loopback ports in temp dirs: started,
 * awaited with a deadline, torn down. A missing binary fails with the
 * command that installs it.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const INSTALL_HINT = 'sudo apt-get install -y prometheus prometheus-pushgateway';

export function requireBinary(name: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  if (r.status !== 0 || !path) throw new Error(`${name} not found on PATH; install it with: ${INSTALL_HINT}`);
  return path;
}

import { freePort } from './ports.js';
import { waitFor } from './wait.js';

export { freePort, waitFor };

export async function getJson<T = unknown>(url: string, timeoutMs = 5000): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: (await res.json()) as T };
}

export interface VectorRow { metric: Record<string, string>; value: [number, string] }

/** Instant query; throws unless Prometheus answers status success. */
export async function query(baseUrl: string, expr: string): Promise<VectorRow[]> {
  const url = `${baseUrl}/api/v1/query?query=${encodeURIComponent(expr)}`;
  const { body } = await getJson<{ status: string; error?: string; data?: { resultType: string; result: unknown } }>(url);
  if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error ?? 'unknown error'}`);
  return body.data?.resultType === 'vector' ? (body.data.result as VectorRow[]) : [];
}

export interface Server {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  stop(): Promise<void>;
}

async function launch(bin: string, args: (port: number, dir: string) => string[], readyPath: string, dir: string): Promise<Server> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(bin, args(port, dir), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let dead = false;
    void exited.then(() => { dead = true; });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitFor(`${bin} ${readyPath} on ${url}`, async () => {
        if (dead) throw new Error(`exited early: ${stderr.split('\n').filter(Boolean).slice(-3).join(' | ')}`);
        const res = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        return res.status === 200 ? true : undefined;
      }, 30_000);
      return { url, port, dir, stop: () => stop(child, exited, dir) };
    } catch (err) {
      await stop(child, exited, undefined);
      // The port may have been taken between freePort() and the bind: try another.
      if (attempt >= 3 || !/address already in use/i.test(stderr)) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
}

async function stop(child: ChildProcess, exited: Promise<number | null>, dir: string | undefined): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }
  if (dir) await rm(dir, { recursive: true, force: true });
}

export interface PrometheusOptions {
  ruleFiles?: string[];
  /** extra scrape jobs: job name -> host:port targets */
  scrape?: Record<string, string[]>;
  scrapeSelf?: boolean;
  nativeHistograms?: boolean;
  /** Pushgateway address to scrape with honor_labels */
  pushgateway?: string;
  /** before the start, with the temp dir (its `data` is the TSDB): e.g. backfill blocks into it */
  prepare?: (dir: string) => void | Promise<void>;
}

export async function startPrometheus(opts: PrometheusOptions = {}): Promise<Server> {
  const bin = requireBinary('prometheus');
  const dir = await mkdtemp(join(tmpdir(), 'gl-prom-'));
  const cfg = join(dir, 'prometheus.yml');
  if (opts.prepare) {
    try {
      await opts.prepare(dir);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }
  const write = (port: number) => {
    const jobs: string[] = [];
    if (opts.scrapeSelf !== false) jobs.push(job('prometheus', [`127.0.0.1:${port}`]));
    for (const [name, targets] of Object.entries(opts.scrape ?? {})) jobs.push(job(name, targets));
    if (opts.pushgateway) jobs.push(`${job('pushgateway', [opts.pushgateway])}    honor_labels: true\n`);
    const rules = (opts.ruleFiles ?? []).map((f) => `  - ${JSON.stringify(f)}\n`).join('');
    return `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n${rules ? `rule_files:\n${rules}` : ''}scrape_configs:\n${jobs.join('')}`;
  };
  return launch(bin, (port, d) => {
    // Written before the spawn: the config names the port itself.
    writeFileSync(cfg, write(port));
    return [
      `--config.file=${cfg}`, `--storage.tsdb.path=${join(d, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver', '--web.enable-lifecycle', '--log.level=warn',
      ...(opts.nativeHistograms ? ['--enable-feature=native-histograms'] : []),
    ];
  }, '/-/ready', dir);
}

function job(name: string, targets: string[]): string {
  return `  - job_name: ${JSON.stringify(name)}\n    scrape_timeout: 1s\n    static_configs:\n      - targets: ${JSON.stringify(targets)}\n`;
}

export async function startPushgateway(): Promise<Server> {
  const bin = requireBinary('prometheus-pushgateway');
  const dir = await mkdtemp(join(tmpdir(), 'gl-pgw-'));
  // Debian's build persists to /var/lib/prometheus/pushgateway.data by default, shared by
  // every instance on the machine: each test Pushgateway gets its own file.
  return launch(bin, (port, d) => [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(d, 'pushgateway.data')}`, '--log.level=warn'], '/-/ready', dir);
}

/** A Pushgateway and a Prometheus that scrapes it: what a test of pushed series reads back through. */
export async function startScrapedPushgateway(opts: Omit<PrometheusOptions, 'pushgateway'> = {}): Promise<{ pgw: Server; prom: Server; stop(): Promise<void> }> {
  const pgw = await startPushgateway();
  const prom = await startPrometheus({ ...opts, pushgateway: `127.0.0.1:${pgw.port}` }).catch(async (e: unknown) => { await pgw.stop(); throw e; });
  return { pgw, prom, stop: async () => { await prom.stop(); await pgw.stop(); } };
}
