/**
 * `golive init [--from-openapi URL|FILE] [--force]`: writes a starter
 * golive.config.ts in the working directory: the runbook's phases (the
 * default), and with a contract, `openapi` plus one declared check per
 * parameterless GET and per operation with an example (src/openapi/init-checks.ts).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GoliveError } from '../core/errors.js';
import type { CliIO } from './io.js';
import { runbookChecks } from '../../checks/declared/runbook.js';
import { assertionLabel } from '../../checks/declared/evaluate.js';
import type { DeclaredCheck } from '../contract/checks-schema.js';
import { planSchema } from '../contract/plan.js';

/** What the preset runs, one comment line per check, from the defaults (the health and marketData settings change it). */
function presetComment(): string {
  const plan = planSchema.parse({ target: 'http://127.0.0.1' });
  const { health, marketData } = runbookChecks(plan);
  const line = (c: DeclaredCheck) => c.steps.map((s) => `//   ${c.name}: ${s.method} ${s.path ?? ''}${s.auth === 'token' ? ' (token)' : ''}: ${s.expect.map(assertionLabel).join(', ')}`).join('\n');
  return [
    `// preset 'runbook' (the default) runs these declared checks in the health and market-data phases;`,
    `// preset: 'none' drops them (see docs/your-own-checks.md, "The runbook preset"):`,
    ...[...health, ...marketData].map(line),
  ].join('\n');
}

export const INIT_HELP = `usage: golive init [--from-openapi URL|FILE] [--force]
  writes golive.config.ts in the working directory: the runbook's checks (health, market-data, load)
  --from-openapi URL|FILE  also hold every response against this OpenAPI 3.0/3.1 contract and add one
                           check per parameterless GET and per operation with a request example
  --force                  overwrite an existing golive.config.ts
`;

export async function initCommand(argv: readonly string[], io: CliIO): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { 'from-openapi': { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    throw new GoliveError('GOLIVE_USAGE', `init: ${(err as Error).message.split('\n')[0]} (see golive init --help)`);
  }
  if (values.help) {
    io.stdout.write(INIT_HELP);
    return 0;
  }
  const file = join(io.cwd, 'golive.config.ts');
  if (existsSync(file) && !values.force) throw new GoliveError('GOLIVE_USAGE', `init: ${file} exists; pass --force to overwrite it`);
  const from = values['from-openapi'];
  let config: Record<string, unknown> = { preset: 'runbook' };
  let summary = "the runbook's checks";
  if (from !== undefined) {
    const isUrl = /^https?:\/\//i.test(from);
    const source = isUrl ? { url: from } : { file: from };
    const { loadContract } = await import('../openapi/index.js');
    const { checksFromContract } = await import('../openapi/init-checks.js');
    const contract = await loadContract(source, {
      target: isUrl ? new URL(from).origin : 'http://127.0.0.1', timeoutMs: 10_000, cwd: io.cwd, clock: io.clock, signal: io.signal,
    });
    const checks = checksFromContract(contract);
    // A contract served by the target is named by its path, so the config follows GOLIVE_TARGET.
    config = { ...config, openapi: isUrl ? { url: new URL(from).pathname } : source, checks };
    summary = `the runbook's checks, ${checks.length} check(s) from ${contract.operations.length} documented operation(s)`;
  }
  const text = `// Written by \`golive init${from !== undefined ? ` --from-openapi ${from}` : ''}\`. The target comes from GOLIVE_TARGET
// (or --target), the token from GOLIVE_TOKEN; see docs/openapi-contract.md and docs/configuration.md.
${presetComment()}
export default ${JSON.stringify(config, null, 2)};
`;
  await writeFile(file, text);
  io.stdout.write(`golive: wrote ${file} (${summary})\n`);
  return 0;
}
