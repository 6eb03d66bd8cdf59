/** `golive check`: validate a live target and exit with the verdict. */
import { parseCheckFlags } from '../config/flags.js';
import { resolvePlan } from '../config/load.js';
import { renderPrintConfig } from '../config/print-config.js';
import { parseSegment } from '../engine/segment.js';
import { executeCheck } from './execute.js';
import { resolveExtras } from './extras.js';
import { CHECK_HELP } from './help.js';
import { useColor, type CliIO } from './io.js';

export async function checkCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const flags = parseCheckFlags(argv);
  if (flags.help) {
    io.stdout.write(CHECK_HELP);
    return 0;
  }
  const segment = flags.segment !== undefined ? parseSegment(flags.segment) : undefined;
  const { plan, ca, configFile } = await resolvePlan(flags, io.env, io.cwd, {}, (line) => io.stderr.write(`golive: ${line}\n`));
  if (flags.printConfig) {
    io.stdout.write(renderPrintConfig(plan, configFile));
    return 0;
  }
  const extras = await resolveExtras(flags, io.cwd, io.env);
  return executeCheck({
    plan, emitResult: flags.emitResult, color: useColor(flags.noColor, io), extras, wide: flags.wide, quiet: flags.quiet,
    ...(ca ? { ca } : {}), ...(segment ? { segment } : {}),
  }, io);
}
