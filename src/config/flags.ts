/**
 * Pure: `golive check` argv -> a raw (unvalidated) config fragment and the
 * command's own options, by the flag table (check-flags/). The token is never
 * a flag value (it would land in shell history): only env or a file.
 */
import type { RawConfig } from './merge.js';
import { CHECK_FLAG_GROUPS } from './check-flags/index.js';
import { checkUsage } from './check-flags/parsers.js';
import { flagForPath, optionsOf, parseWithTable, type ParsedFlags } from './flag-table.js';

export { parseArgsMessage } from './flag-table.js';
export { parseThresholdFlags } from './check-flags/parsers.js';

/** parseArgs options of `golive check` (golive k8s accepts them too). */
export const CHECK_OPTIONS = optionsOf(CHECK_FLAG_GROUPS);

/** Which flag sets a config path, so validation errors can name the flag. */
export const FLAG_FOR_PATH: Readonly<Record<string, string>> = flagForPath(CHECK_FLAG_GROUPS);

export interface CheckFlags {
  raw: RawConfig;
  configFile?: string;
  tokenFile?: string;
  segment?: string;
  /** a baseline run's summary.json, and how much worse this run may be (report.ts, compare/) */
  baseline?: string;
  maxRegression?: string;
  summaryMd?: string;
  /** --notify slack|webhook|pagerduty (repeatable or comma list), --notify-on */
  notify?: string[];
  notifyOn?: string;
  emitResult: boolean;
  noColor: boolean;
  /** wrap instead of cut on a TTY (off a TTY the table always wraps) */
  wide: boolean;
  /** no progress lines on stderr */
  quiet: boolean;
  help: boolean;
  printConfig: boolean;
}

export function parseCheckFlags(argv: readonly string[]): CheckFlags {
  return checkFlagsFrom(parseWithTable(CHECK_FLAG_GROUPS, argv, checkUsage));
}

/** The table's output -> CheckFlags, with the defaults of the boolean options. */
export function checkFlagsFrom({ raw, cli }: ParsedFlags): CheckFlags {
  const { emitResult, noColor, wide, quiet, help, printConfig, ...rest } = cli as Partial<CheckFlags>;
  return {
    raw: raw as RawConfig, ...rest, emitResult: emitResult ?? false, noColor: noColor ?? false,
    wide: wide ?? false, quiet: quiet ?? false, help: help ?? false, printConfig: printConfig ?? false,
  };
}
