// Client certificates signed by the test control plane's CA, and kubeconfigs that use
// them: the kubelet authenticates as system:node:<name> (group system:nodes, so the
// Node authorizer lets it read exactly its pods' Secrets), the scheduler as
// system:kube-scheduler; both are the identities a real cluster gives them.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ClientCert { cert: string; key: string }

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args, { timeout: 30_000 }).catch((e: { stderr?: string; message: string }) => {
    throw new Error(`openssl ${args[0]} failed: ${e.stderr ?? e.message}`);
  });
}

/** A client certificate for `cn` in `groups` (the O= fields), in `dir` as <name>.crt/.key. */
export async function clientCert(dir: string, name: string, ca: { cert: string; key: string }, cn: string, groups: string[] = []): Promise<ClientCert> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  const subj = `${groups.map((g) => `/O=${g}`).join('')}/CN=${cn}`;
  await openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', subj]);
  await writeFile(ext, 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n');
  await openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', cert]);
  return { cert, key };
}

/** A self-signed serving certificate for 127.0.0.1 (the kubelet's HTTPS port). */
export async function servingCert(dir: string, name: string): Promise<ClientCert> {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost']);
  return { cert, key };
}

export async function certKubeconfig(path: string, server: string, caFile: string, c: ClientCert, name: string): Promise<string> {
  await writeFile(path, [
    'apiVersion: v1', 'kind: Config', `current-context: ${name}`,
    'clusters:', `- name: ${name}`, '  cluster:', `    server: ${server}`, `    certificate-authority: ${caFile}`,
    'users:', `- name: ${name}`, '  user:', `    client-certificate: ${c.cert}`, `    client-key: ${c.key}`,
    'contexts:', `- name: ${name}`, '  context:', `    cluster: ${name}`, `    user: ${name}`, '',
  ].join('\n'));
  return path;
}
