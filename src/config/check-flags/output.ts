/** Flags: where the reports go and how the result is shown; the baseline comparison. */
import type { FlagGroup } from '../flag-table.js';
import { commaLists } from './parsers.js';

export const OUTPUT_FLAGS: FlagGroup = {
  title: 'Output',
  flags: [
    { flag: 'out', path: 'out', value: 'DIR', help: 'reports directory (default reports): summary.json, junit.xml, report.html' },
    { flag: 'json', path: 'json', type: 'boolean', help: 'print summary.json to stdout instead of the table' },
    { flag: 'no-color', cli: 'noColor', type: 'boolean', help: 'no ANSI colours in the table' },
    { flag: 'wide', cli: 'wide', type: 'boolean', help: 'wrap long reasons instead of cutting them at the terminal width (always so off a TTY)' },
    { flag: 'quiet', cli: 'quiet', type: 'boolean', help: 'no progress lines on stderr (off a TTY one every 10 s by default)' },
    { flag: 'summary-md', cli: 'summaryMd', value: 'FILE', help: 'also write a Markdown summary (appended to $GITHUB_STEP_SUMMARY when set)' },
    {
      flag: 'notify', cli: 'notify', multiple: true, parse: commaLists, value: 'LIST',
      help: 'slack (GOLIVE_SLACK_WEBHOOK_URL), webhook (GOLIVE_WEBHOOK_URL, optional\nGOLIVE_WEBHOOK_TEMPLATE JSON), pagerduty (GOLIVE_PAGERDUTY_ROUTING_KEY); each\nalso as VAR_FILE. A failed notification is reported and turns a pass into 108',
    },
    {
      flag: 'notify-on', cli: 'notifyOn', value: 'WHEN',
      help: 'failure (default: failures and the first pass after one), change (only\nwhen the verdict flips), always',
    },
    { flag: 'print-config', cli: 'printConfig', type: 'boolean', help: 'print the merged plan (defaults < config file < env < flags) as JSON, credentials\nmasked, and exit 0 without sending a request' },
    { flag: 'help', cli: 'help', type: 'boolean', short: 'h' },
  ],
};

export const BASELINE_FLAGS: FlagGroup = {
  title: 'Baseline (a CI gate before promotion)',
  flags: [
    {
      flag: 'baseline', cli: 'baseline', value: 'FILE',
      help: "a previous run's summary.json: compared per phase and endpoint, its\ncurves drawn under this run's in report.html",
    },
    {
      flag: 'max-regression', cli: 'maxRegression', value: 'SPEC',
      help: "fail (99) when worse than the baseline by more than e.g.\n'p(95)=+10%,http_req_failed=+0.5pp' (see golive compare --help)",
    },
  ],
};
