/**
 * `golive compare BASE/summary.json NEW/summary.json [--max-regression SPEC|none]`: exit 99 on a
 * regression, or when the new run lacks a row the baseline was judged on; without the flag the
 * default limits apply (DEFAULT_REGRESSION).
 */
import { parseArgs } from 'node:util';
import { compareRuns, DEFAULT_MIN_SAMPLES } from '../compare/compare.js';
import { regressionOption } from '../compare/limits.js';
import { missingJudgedRows, renderComparison } from '../compare/render.js';
import { EXIT, GoliveError } from '../core/errors.js';
import { parseArgsMessage } from '../config/flags.js';
import { readSummary } from '../reporters/read-summary.js';
import { COMPARE_HELP } from './help.js';
import type { CliIO } from './io.js';

const OPTIONS = {
  'max-regression': { type: 'string' },
  'min-samples': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function compareCommand(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (err) {
    throw new GoliveError('GOLIVE_USAGE', `${parseArgsMessage(err, Object.keys(OPTIONS))} (see golive compare --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(COMPARE_HELP);
    return 0;
  }
  if (positionals.length !== 2) throw new GoliveError('GOLIVE_USAGE', `golive compare: expected BASE/summary.json NEW/summary.json, got ${positionals.length} file(s) (see golive compare --help)`);
  const { limits, mode } = regressionOption(values['max-regression']);
  const minSamples = values['min-samples'] === undefined ? DEFAULT_MIN_SAMPLES : Number(values['min-samples']);
  if (!Number.isInteger(minSamples) || minSamples < 1) throw new GoliveError('GOLIVE_USAGE', `--min-samples: expected a whole number >= 1, got "${values['min-samples'] ?? ''}"`);
  const [basePath, newPath] = positionals as [string, string];
  const base = await readSummary(basePath, 'baseline');
  const cur = await readSummary(newPath, 'new run');
  const c = compareRuns(base, cur, { limits, minSamples, source: basePath });
  io.stdout.write(values.json ? `${JSON.stringify(c, null, 2)}\n` : renderComparison(c, cur.golive.runId, mode));
  // A judged row of the baseline that this run lacks (its phase did not run) cannot pass the gate.
  return c.rows.some((r) => r.regressed) || missingJudgedRows(c).length > 0 ? EXIT.thresholdsFailed : EXIT.passed;
}
