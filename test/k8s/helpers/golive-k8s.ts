/**
 * `golive k8s …` run in-process against the test control plane, its runner
 * pods' logs read from the test kubelet (there is no real log endpoint).
 */
import { Writable } from 'node:stream';
import { k8sCommand } from '../../../src/cli/k8s.js';
import { runCommand } from '../../../src/cli/run-command.js';
import { systemClock } from '../../../src/core/clock.js';
import type { LogSource } from '../../../src/k8s/runners.js';
import type { ClusterEnv } from './cluster-env.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void { this.text += chunk.toString(); done(); }
}

export async function goliveK8s(env: ClusterEnv, cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const logs: LogSource = { read: async (pod) => env.kubelet.logs.get(`${pod.metadata?.namespace}/${pod.metadata?.name}`) };
  const stdout = new Capture();
  const stderr = new Capture();
  const io = { stdout, stderr, env: {}, signal: new AbortController().signal, cwd, clock: systemClock };
  const code = await runCommand((a, i) => k8sCommand(a, i, { logs }), args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
