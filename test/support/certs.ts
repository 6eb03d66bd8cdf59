/**
 * Test certificates made with the real `openssl` CLI: a root CA, an
 * intermediate and leaves with chosen validity windows (`openssl ca` takes
 * explicit start and end dates, so expired and nearly-expired ones are real).
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DAY = 86_400_000;

export interface Issuer {
  name: string;
  cert: string;
  key: string;
}

export interface Leaf {
  /** the server's chain file: leaf then intermediates */
  chain: string;
  key: string;
}

/** openssl's GeneralizedTime, e.g. 20261201051900Z */
function asn1(t: number): string {
  return `${new Date(t).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

async function openssl(args: readonly string[]): Promise<void> {
  try {
    await run('openssl', [...args], { timeout: 30_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${e.stderr ?? e.message}`);
  }
}

/** A self-signed certificate for 127.0.0.1 (IP SAN), in `dir`: the loopback TLS servers of the client tests. */
export async function loopbackCert(dir: string): Promise<{ cert: string; key: Buffer }> {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
  return { cert: await readFile(cert, 'utf8'), key: await readFile(key) };
}

export class TestPki {
  private n = 0;
  private constructor(readonly dir: string, readonly root: Issuer) {}

  /** A root CA valid ten years. */
  static async create(dir: string): Promise<TestPki> {
    await mkdir(dir, { recursive: true });
    const root = { name: 'root', cert: join(dir, 'root.crt'), key: join(dir, 'root.key') };
    await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', root.key, '-out', root.cert,
      '-subj', '/CN=Golive Test Root CA', '-days', '3650',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await writeFile(join(dir, 'index.txt'), '');
    await writeFile(join(dir, 'serial'), '1000\n');
    await writeFile(join(dir, 'ca.cnf'), [
      '[ca]', 'default_ca = golive', '[golive]', `database = ${join(dir, 'index.txt')}`, `new_certs_dir = ${dir}`,
      `serial = ${join(dir, 'serial')}`, 'default_md = sha256', 'policy = any', 'unique_subject = no', 'copy_extensions = none',
      '[any]', 'commonName = supplied', '',
    ].join('\n'));
    return new TestPki(dir, root);
  }

  private async sign(cn: string, issuer: Issuer, validDays: { from: number; to: number }, ext: string[]): Promise<Issuer> {
    const name = `c${++this.n}`;
    const key = join(this.dir, `${name}.key`);
    const csr = join(this.dir, `${name}.csr`);
    const cert = join(this.dir, `${name}.crt`);
    const extFile = join(this.dir, `${name}.ext`);
    await writeFile(extFile, ['[ext]', ...ext, ''].join('\n'));
    await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`]);
    const now = Date.now();
    await openssl(['ca', '-batch', '-config', join(this.dir, 'ca.cnf'), '-in', csr, '-out', cert, '-notext',
      '-cert', issuer.cert, '-keyfile', issuer.key, '-extfile', extFile, '-extensions', 'ext',
      '-startdate', asn1(now + validDays.from * DAY), '-enddate', asn1(now + validDays.to * DAY)]);
    return { name: cn, cert, key };
  }

  /** An intermediate CA under the root, valid until `days` from now (an hour more, so whole days read as `days`). */
  intermediate(cn: string, days: number): Promise<Issuer> {
    return this.sign(cn, this.root, { from: -30, to: days + 1 / 24 }, [
      'basicConstraints = critical,CA:TRUE,pathlen:0', 'keyUsage = critical,keyCertSign,cRLSign',
    ]);
  }

  /** A server certificate for `hosts` issued by `issuer`; `from`/`to` in days from now. */
  async leaf(hosts: readonly string[], issuer: Issuer, validDays: { from?: number; to: number }): Promise<Leaf> {
    const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
    const c = await this.sign(hosts[0] ?? 'leaf', issuer, { from: validDays.from ?? -1, to: validDays.to + 1 / 24 }, [
      'basicConstraints = CA:FALSE', 'keyUsage = critical,digitalSignature', 'extendedKeyUsage = serverAuth', `subjectAltName = ${san}`,
    ]);
    const chain = join(this.dir, `${c.cert}.chain.pem`.split('/').pop() ?? 'chain.pem');
    const parts = [await readFile(c.cert, 'utf8')];
    if (issuer !== this.root) parts.push(await readFile(issuer.cert, 'utf8'));
    await writeFile(chain, parts.join(''));
    return { chain, key: c.key };
  }

  /** A self-signed server certificate (its own CA), for the --ca-file case. */
  async selfSigned(host: string): Promise<Leaf & { cert: string }> {
    const name = `s${++this.n}`;
    const key = join(this.dir, `${name}.key`);
    const cert = join(this.dir, `${name}.crt`);
    await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
      '-subj', `/CN=${host}`, '-days', '90', '-addext', `subjectAltName=DNS:${host}`]);
    return { chain: cert, key, cert };
  }
}
