/**
 * `golive demo`: the bundled reference API on a free loopback port with a
 * fresh random token, and the full check against it. The token goes in through
 * the plan, never through argv or the environment of another process.
 *
 * The demo's plan is built from defaults and its own flags only: no config file
 * and no GOLIVE_* variable is read, so a stray golive.config.* in the working
 * directory or a GOLIVE_TOKEN_FILE in the shell can never point the demo's
 * 1000 requests (or its token) at a real system.
 */
import { randomBytes } from 'node:crypto';
import { GoliveError } from '../core/errors.js';
import { parseCheckFlags, type CheckFlags } from '../config/flags.js';
import { mergeRaw } from '../config/merge.js';
import type { Plan } from '../contract/plan.js';
import { validatePlan } from '../config/validate.js';
import { startReferenceApi } from '../reference-api/server.js';
import { executeCheck } from './execute.js';
import { resolveExtras } from './extras.js';
import { DEMO_HELP } from './help.js';
import { useColor, type CliIO } from './io.js';

/** Flags that would point the demo elsewhere or pull in outside configuration. */
function refuseOutsideInput(flags: CheckFlags): void {
  const refused: Array<[unknown, string]> = [
    [flags.raw.target, '--target'], [flags.configFile, '--config'], [flags.tokenFile, '--token-file'],
  ];
  for (const [given, flag] of refused) {
    if (given !== undefined) throw new GoliveError('GOLIVE_USAGE', `${flag}: the demo runs against its own reference API and reads no config; use golive check ${flag} for a real system`);
  }
}

/** Pure: defaults < the demo's flags < its own target and token. */
export function demoPlan(flags: CheckFlags, target: string, token: string): Plan {
  return validatePlan(mergeRaw(flags.raw, { target, token }));
}

/** The environment the demo's run sees: every GOLIVE_* variable removed. */
export function demoEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('GOLIVE_')));
}

export async function demoCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const flags = parseCheckFlags(argv);
  if (flags.help) {
    io.stdout.write(DEMO_HELP);
    return 0;
  }
  refuseOutsideInput(flags);
  // Validate the flags before anything starts: a bad flag is 104 with no server running.
  demoPlan(flags, 'http://127.0.0.1:1', 'placeholder');
  const extras = await resolveExtras(flags, io.cwd, io.env);
  const token = randomBytes(18).toString('base64url');
  const api = await startReferenceApi({ port: 0, host: '127.0.0.1', token });
  try {
    io.stderr.write(`demo: reference API on ${api.url}\n`);
    const plan = demoPlan(flags, api.url, token);
    return await executeCheck({ plan, emitResult: flags.emitResult, color: useColor(flags.noColor, io), extras, wide: flags.wide, quiet: flags.quiet }, { ...io, env: demoEnv(io.env) });
  } finally {
    await api.close();
  }
}
