/** Flags: what is checked, and how. */
import { GoliveError } from '../../core/errors.js';
import type { FlagGroup } from '../flag-table.js';
import { commaList } from './parsers.js';

export const TARGET_FLAGS: FlagGroup = {
  title: 'Target and phases',
  flags: [
    { flag: 'target', path: 'target', value: 'URL', help: 'the system under test (env GOLIVE_TARGET)' },
    { flag: 'phases', path: 'phases', parse: commaList, value: 'LIST', help: 'comma list of edge,health,market-data,load,cluster,monitoring\n(default health,market-data,load; edge first for an https:// target)' },
    { flag: 'token-file', cli: 'tokenFile', value: 'FILE', help: 'bearer token for market-data/load (or env GOLIVE_TOKEN);\nthere is no --token flag: it would land in shell history' },
    {
      flag: 'token',
      parse: () => { throw new GoliveError('GOLIVE_USAGE', '--token is not accepted (it would land in shell history): set GOLIVE_TOKEN or use --token-file FILE'); },
    },
    { flag: 'config', cli: 'configFile', value: 'FILE', help: 'golive.config.ts|.mjs|.js|.json (default: ./golive.config.*)' },
    { flag: 'engine', path: 'engine', value: 'node|k6', help: 'node (embedded, default) or a local k6 binary' },
    { flag: 'k6-unverified', path: 'k6Unverified', type: 'boolean', help: 'run a k6 outside the verified v0.57.0 to v1.1.x (refused with 104 otherwise)' },
  ],
};
