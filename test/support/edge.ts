/** Running `golive check --phases edge` as a user would, and reading its edge report. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EdgeCheck, EdgeReport } from '../../src/core/edge-report.js';
import type { RunResult } from '../../src/core/result.js';
import { runCli, type Exited } from './processes.js';

export interface EdgeRun {
  exit: Exited;
  result: RunResult;
  edge: EdgeReport;
  check(name: EdgeCheck['name']): EdgeCheck;
}

export async function runEdge(out: string, args: readonly string[], env: Record<string, string> = {}): Promise<EdgeRun> {
  const exit = await runCli(['check', '--out', out, '--timeout', '10000', '--no-color', ...args], { env, deadlineMs: 60_000 });
  let result: RunResult;
  try {
    result = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunResult;
  } catch (err) {
    throw new Error(`no summary.json (exit ${exit.code}): ${exit.stderr}\n${exit.stdout}`, { cause: err });
  }
  const edge = result.golive.edge;
  if (!edge) throw new Error(`no edge report (exit ${exit.code}): ${exit.stdout}`);
  return {
    exit, result, edge,
    check(name) {
      const c = edge.checks.find((x) => x.name === name);
      if (!c) throw new Error(`no ${name} check in ${JSON.stringify(edge.checks)}`);
      return c;
    },
  };
}
