/**
 * `golive check`'s flags, one file per feature group, in help order. To add
 * a flag, add one entry to its group (or a group here): parsing, the flag
 * named in validation errors and the help text all follow from it.
 */
import type { FlagGroup } from '../flag-table.js';
import { EDGE_FLAGS } from './edge.js';
import { JUDGING_FLAGS } from './judging.js';
import { KUBERNETES_FLAGS } from './kubernetes.js';
import { LOAD_FLAGS } from './load.js';
import { BASELINE_FLAGS, OUTPUT_FLAGS } from './output.js';
import { PROMETHEUS_FLAGS } from './prometheus.js';
import { TARGET_FLAGS } from './target.js';

export const CHECK_FLAG_GROUPS: readonly FlagGroup[] = [
  TARGET_FLAGS,
  LOAD_FLAGS,
  JUDGING_FLAGS,
  EDGE_FLAGS,
  OUTPUT_FLAGS,
  BASELINE_FLAGS,
  PROMETHEUS_FLAGS,
  KUBERNETES_FLAGS,
];
