/** `golive slo export [--format openslo|sloth]`: the runbook's SLOs as code, on stdout. */
import { parseArgs } from 'node:util';
import { parseArgsMessage } from '../config/flags.js';
import { GoliveError } from '../core/errors.js';
import { selector } from '../signoff/criteria.js';
import { openSloYaml, slothYaml } from '../signoff/slo-export.js';
import type { CliIO } from './io.js';
import { SLO_HELP } from './signoff-help.js';

const OPTIONS = { format: { type: 'string' }, job: { type: 'string' }, environment: { type: 'string' }, service: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

export async function sloCommand(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (err) {
    throw new GoliveError('GOLIVE_USAGE', `${parseArgsMessage(err)} (see golive slo --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) { io.stdout.write(SLO_HELP); return 0; }
  if (positionals.length !== 1 || positionals[0] !== 'export') throw new GoliveError('GOLIVE_USAGE', `golive slo: expected the subcommand export, got "${positionals.join(' ')}" (see golive slo --help)`);
  const format = values.format ?? 'openslo';
  if (format !== 'openslo' && format !== 'sloth') throw new GoliveError('GOLIVE_USAGE', `--format: expected openslo or sloth, got "${format}"`);
  const environment = values.environment ?? (io.env.GOLIVE_ENVIRONMENT || undefined);
  const sel = selector({ job: values.job ?? 'golive', ...(environment ? { environment } : {}) });
  const service = values.service ?? 'signal-trading';
  io.stdout.write(format === 'sloth' ? slothYaml(sel, service) : openSloYaml(sel, service));
  return 0;
}
