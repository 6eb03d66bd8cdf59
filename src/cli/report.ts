/** `golive report SUMMARY.json --out DIR`: re-render report.html (and Markdown) from a summary. */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { compareRuns } from '../compare/compare.js';
import { parseRegressionLimits } from '../compare/limits.js';
import { EXIT, GoliveError } from '../core/errors.js';
import { parseArgsMessage } from '../config/flags.js';
import { readSummary } from '../reporters/read-summary.js';
import { writeReports } from '../reporters/write.js';
import { writeMarkdownSummaries } from '../reporters/write-markdown.js';
import { REPORT_HELP } from './help.js';
import type { CliIO } from './io.js';

const OPTIONS = {
  out: { type: 'string' },
  baseline: { type: 'string' },
  'max-regression': { type: 'string' },
  'summary-md': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function reportCommand(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (err) {
    throw new GoliveError('GOLIVE_USAGE', `${parseArgsMessage(err, Object.keys(OPTIONS))} (see golive report --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(REPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new GoliveError('GOLIVE_USAGE', `golive report: expected one summary.json, got ${positionals.length} (see golive report --help)`);
  if (!values.out) throw new GoliveError('GOLIVE_USAGE', '--out: expected the directory for report.html (see golive report --help)');
  const limits = values['max-regression'] !== undefined ? parseRegressionLimits(values['max-regression']) : [];
  if (limits.length && !values.baseline) throw new GoliveError('GOLIVE_USAGE', '--max-regression: needs --baseline FILE');
  const result = await readSummary(resolve(io.cwd, positionals[0] as string), 'summary');
  const baseline = values.baseline ? await readSummary(resolve(io.cwd, values.baseline), '--baseline') : undefined;
  if (baseline) result.golive.baseline = compareRuns(baseline, result, { limits, source: values.baseline ?? '' });
  const outDir = resolve(io.cwd, values.out);
  const written = await writeReports(result, outDir, { kinds: ['html'], ...(baseline ? { baseline } : {}) });
  for (const e of written.errors) io.stderr.write(`golive: report not written: ${e}\n`);
  const mdErrors = await writeMarkdownSummaries(result, {
    ...(values['summary-md'] ? { file: values['summary-md'] } : {}),
  }, io.cwd);
  for (const e of mdErrors) io.stderr.write(`golive: ${e}\n`);
  if (written.written.length) io.stdout.write(`report: ${written.written.join(', ')}\n`);
  return written.errors.length || mdErrors.length ? EXIT.engineError : EXIT.passed;
}
