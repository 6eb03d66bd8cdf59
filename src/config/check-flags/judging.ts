/** Flags: what decides the verdict, and the bounds of every request and of the run. */
import type { FlagGroup } from '../flag-table.js';
import { num, parseThresholdFlags } from './parsers.js';

export const JUDGING_FLAGS: FlagGroup = {
  title: 'Judging',
  flags: [
    {
      flag: 'threshold', path: 'thresholds', multiple: true, parse: parseThresholdFlags, value: "'METRIC=EXPR'",
      help: "k6 threshold, repeatable, e.g. 'http_req_duration{phase:load}=p(99)<800'\n(replaces the default list for that metric)",
    },
    { flag: 'timeout', path: 'requestTimeoutMs', parse: num, value: 'MS', help: 'per-request timeout, end to end, body included (default 10000)' },
    {
      flag: 'max-body-bytes', path: 'maxBodyBytes', parse: num, value: 'N',
      help: 'functional checks keep at most N body bytes; a larger body fails\nthem with "body larger than N bytes" (default 4194304)',
    },
    { flag: 'deadline', path: 'deadlineSeconds', parse: num, value: 'S', help: 'whole-run deadline; when it passes the run aborts with 105 (default 900)' },
    { flag: 'ca-file', path: 'caFile', value: 'FILE', help: 'extra CA bundle (PEM); TLS verification is always on' },
  ],
};
