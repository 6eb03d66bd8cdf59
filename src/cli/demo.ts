/**
 * `golive demo`: the bundled reference API on a free loopback port with a
 * fresh random token, and the full check against it. The token goes in through
 * the plan, never through argv or the environment of another process.
 */
import { randomBytes } from 'node:crypto';
import { GoliveError } from '../core/errors.js';
import { parseCheckFlags } from '../config/flags.js';
import { resolvePlan } from '../config/load.js';
import { startReferenceApi } from '../reference-api/server.js';
import { executeCheck } from './execute.js';
import { DEMO_HELP } from './help.js';
import { useColor, type CliIO } from './io.js';

export async function demoCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const flags = parseCheckFlags(argv);
  if (flags.help) {
    io.stdout.write(DEMO_HELP);
    return 0;
  }
  if (flags.raw.target !== undefined) throw new GoliveError('GOLIVE_USAGE', '--target: the demo runs against its own reference API; use golive check --target URL for a real system');
  const token = randomBytes(18).toString('base64url');
  const api = await startReferenceApi({ port: 0, host: '127.0.0.1', token });
  try {
    io.stderr.write(`demo: reference API on ${api.url}\n`);
    const env = { ...io.env, GOLIVE_TARGET: undefined, GOLIVE_TOKEN: undefined };
    const { plan, ca } = await resolvePlan(flags, env, io.cwd, { target: api.url, token });
    return await executeCheck({ plan, emitResult: flags.emitResult, color: useColor(flags.noColor, io), ...(ca ? { ca } : {}) }, io);
  } finally {
    await api.close();
  }
}
