// A real etcd + kube-apiserver + kube-controller-manager on loopback, for tests.
// No kubelet or scheduler: test-kubelet.ts plays them for the fast tests; real-node.ts
// adds a real kubelet, kube-scheduler and containerd for the slow ones.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SETUP_COMMAND = 'bash scripts/setup/k8s-control-plane.sh';
const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kubectl'] as const;

export interface ControlPlane {
  server: string;
  caFile: string;
  /** The CA's key: real-node.ts signs the kubelet's and scheduler's client certificates with it. */
  caKeyFile: string;
  adminToken: string;
  kubeconfigPath: string;
  binDir: string;
  /** Path of the built kubectl, from the same pinned module set as the API server. */
  kubectlPath: string;
  /** Writes a kubeconfig that authenticates with `token` (e.g. from `kubectl create token`). */
  kubeconfigForToken(token: string, name?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Deadline for each component to become healthy. */
  startTimeoutMs?: number;
  /** Extra kube-apiserver flags, e.g. ['--feature-gates=...']. */
  apiserverArgs?: string[];
}


/** Resolves the cached bin dir; throws naming the setup command if anything is missing. */
export async function findBinDir(): Promise<string> {
  const script = join(REPO_ROOT, 'scripts/setup/k8s-control-plane.sh');
  const out = await run('bash', [script, '--print-dir']).catch((e: unknown) => {
    throw new Error(`\`${SETUP_COMMAND} --print-dir\` failed: ${e instanceof Error ? e.message : String(e)}`);
  });
  const binDir = out.stdout.trim().split('\n').pop() ?? '';
  const missing = BINARIES.filter((b) => !existsSync(join(binDir, b)));
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')} in ${binDir}: run \`${SETUP_COMMAND}\` to build them`);
  }
  return binDir;
}

import { startDaemon as startComponent, stopDaemon, waitHealthy, type Daemon } from './daemon.js';
import { freePort } from './ports.js';

export { freePort };

export function kubeconfigYaml(server: string, caFile: string, token: string, name = 'golive-test'): string {
  return [
    'apiVersion: v1', 'kind: Config', `current-context: ${name}`,
    'clusters:', `- name: ${name}`, '  cluster:', `    server: ${server}`, `    certificate-authority: ${caFile}`,
    'users:', `- name: ${name}`, '  user:', `    token: ${JSON.stringify(token)}`,
    'contexts:', `- name: ${name}`, '  context:', `    cluster: ${name}`, `    user: ${name}`, '',
  ].join('\n');
}

/** GET over HTTPS; `ca` undefined means the peer is self-signed (kube-controller-manager). */
function httpsGet(url: string, ca: Buffer | undefined, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request(url, {
      ca, rejectUnauthorized: ca !== undefined, timeout: 2000,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; });
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout'))).on('error', fail).end();
  });
}

async function openssl(dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

async function makePki(dir: string): Promise<void> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=golive-test-ca']);
  await openssl(dir, ['req', ...ec, '-keyout', 'apiserver.key', '-out', 'apiserver.csr', '-subj', '/CN=kube-apiserver']);
  // 10.0.0.1 is the first IP of --service-cluster-ip-range: the in-cluster `kubernetes` Service.
  await writeFile(join(dir, 'san.cnf'), [
    'subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local',
    'extendedKeyUsage=serverAuth', 'keyUsage=digitalSignature,keyEncipherment', '',
  ].join('\n'));
  await openssl(dir, ['x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-days', '2', '-extfile', 'san.cnf', '-out', 'apiserver.crt']);
  // The API server's identity towards kubelets (logs, exec) where a real node runs (real-node.ts).
  await openssl(dir, ['req', ...ec, '-keyout', 'kubelet-client.key', '-out', 'kubelet-client.csr', '-subj', '/O=system:masters/CN=kube-apiserver-kubelet-client']);
  await writeFile(join(dir, 'client.cnf'), 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n');
  await openssl(dir, ['x509', '-req', '-in', 'kubelet-client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-days', '2', '-extfile', 'client.cnf', '-out', 'kubelet-client.crt']);
  await openssl(dir, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'sa.key']);
  await openssl(dir, ['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
}

async function stopAll(components: Daemon[], dir: string): Promise<void> {
  // Reverse start order: controllers first, etcd last, so nobody logs a storm of errors.
  for (const c of [...components].reverse()) await stopDaemon(c);
  await rm(dir, { recursive: true, force: true });
}

export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const binDir = await findBinDir();
  const dir = await mkdtemp(join(tmpdir(), 'golive-cp-'));
  const components: Daemon[] = [];
  // If the test process dies without stop(), do not leave etcd and friends running.
  const killOnExit = (): void => { for (const c of components) if (!c.exited) c.proc.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  try {
    await makePki(dir);
    const adminToken = `admin-${crypto.randomUUID()}`;
    const kcmToken = `kcm-${crypto.randomUUID()}`;
    await writeFile(join(dir, 'tokens.csv'),
      `${adminToken},golive-admin,uid-admin,"system:masters"\n${kcmToken},system:kube-controller-manager,uid-kcm\n`);
    const caFile = join(dir, 'ca.crt');
    const ca = await readFile(caFile);
    const [etcdPort, peerPort, apiPort, kcmPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;

    const etcd = startComponent(dir, 'etcd', join(binDir, 'etcd'), [
      '--name=default', `--data-dir=${join(dir, 'etcd-data')}`, '--log-level=warn', '--unsafe-no-fsync',
      `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
    ]);
    components.push(etcd);
    await waitHealthy(etcd, '/health', timeoutMs, async () => {
      const res = await fetch(`${etcdUrl}/health`);
      return res.ok && ((await res.json()) as { health?: string }).health === 'true';
    });

    const server = `https://127.0.0.1:${apiPort}`;
    const apiserver = startComponent(dir, 'kube-apiserver', join(binDir, 'kube-apiserver'), [
      `--etcd-servers=${etcdUrl}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
      `--cert-dir=${dir}`, `--tls-cert-file=${join(dir, 'apiserver.crt')}`, `--tls-private-key-file=${join(dir, 'apiserver.key')}`,
      `--client-ca-file=${caFile}`, `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=Node,RBAC', '--service-cluster-ip-range=10.0.0.0/24',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.pub')}`, `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      `--kubelet-client-certificate=${join(dir, 'kubelet-client.crt')}`, `--kubelet-client-key=${join(dir, 'kubelet-client.key')}`,
      '--profiling=false', ...(opts.apiserverArgs ?? []),
    ]);
    components.push(apiserver);
    await waitHealthy(apiserver, '/readyz', timeoutMs,
      async () => (await httpsGet(`${server}/readyz`, ca, adminToken)).status === 200);

    const kubeconfigPath = join(dir, 'admin.kubeconfig');
    await writeFile(kubeconfigPath, kubeconfigYaml(server, caFile, adminToken));
    const kcmKubeconfig = join(dir, 'kcm.kubeconfig');
    await writeFile(kcmKubeconfig, kubeconfigYaml(server, caFile, kcmToken, 'kcm'));
    const kcm = startComponent(dir, 'kube-controller-manager', join(binDir, 'kube-controller-manager'), [
      `--kubeconfig=${kcmKubeconfig}`, `--authentication-kubeconfig=${kcmKubeconfig}`,
      `--authorization-kubeconfig=${kcmKubeconfig}`, '--bind-address=127.0.0.1', `--secure-port=${kcmPort}`,
      `--cert-dir=${join(dir, 'kcm-certs')}`, '--controllers=*', '--use-service-account-credentials',
      `--service-account-private-key-file=${join(dir, 'sa.key')}`, `--root-ca-file=${caFile}`,
      '--leader-elect=false', '--profiling=false',
    ]);
    components.push(kcm);
    await waitHealthy(kcm, '/healthz', timeoutMs,
      async () => (await httpsGet(`https://127.0.0.1:${kcmPort}/healthz`, undefined)).status === 200);
    // Pods are rejected until their namespace's `default` ServiceAccount exists, so wait for it here.
    await waitHealthy(kcm, 'ServiceAccount default/default', timeoutMs, async () =>
      (await httpsGet(`${server}/api/v1/namespaces/default/serviceaccounts/default`, ca, adminToken)).status === 200);

    let stopped = false;
    return {
      server, caFile, caKeyFile: join(dir, 'ca.key'), adminToken, kubeconfigPath, binDir, kubectlPath: join(binDir, 'kubectl'),
      async kubeconfigForToken(token, name = `token-${crypto.randomUUID().slice(0, 8)}`) {
        const path = join(dir, `${name}.kubeconfig`);
        await writeFile(path, kubeconfigYaml(server, caFile, token, name));
        return path;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        process.off('exit', killOnExit);
        await stopAll(components, dir);
      },
    };
  } catch (e) {
    process.off('exit', killOnExit);
    await stopAll(components, dir);
    throw e;
  }
}
