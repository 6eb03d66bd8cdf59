/** Flags: the edge phase (certificate, redirect, HSTS, DNS). */
import type { FlagGroup } from '../flag-table.js';
import { num } from './parsers.js';

export const EDGE_FLAGS: FlagGroup = {
  title: 'Edge (certificate, redirect, HSTS, DNS)',
  flags: [
    { flag: 'edge-http-port', path: 'edge.httpPort', parse: num, value: 'P', help: 'plain-HTTP port that must redirect to HTTPS (default 80)' },
    { flag: 'dns-server', path: 'edge.dnsServer', value: 'IP[:PORT]', help: 'resolve the target host with this server (default: system resolver)' },
  ],
};
