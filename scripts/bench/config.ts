/** Bench modes and flags (pure). */
import { GoliveError } from '../../src/core/errors.js';
import type { AccuracyConfig } from './accuracy.js';
import type { ThroughputConfig } from './throughput.js';

export interface BenchConfig {
  mode: 'quick' | 'full';
  out: string;
  install: boolean;
  throughput: ThroughputConfig;
  accuracy: AccuracyConfig;
  scaleRequests: number;
  startupRuns: number;
}

export const USAGE = `usage: npm run bench -- [--quick] [--out DIR] [--no-install]
  --quick       CI-sized run, under a minute
  --out DIR     where bench.json goes (default: reports)
  --no-install  do not try to apt-get install missing peers (ab, wrk, nginx)`;

export function benchConfig(argv: readonly string[]): BenchConfig | 'help' {
  let quick = false;
  let out = 'reports';
  let install = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--no-install') install = false;
    else if (a === '--help' || a === '-h') return 'help';
    else if (a === '--out') {
      const v = argv[++i];
      if (!v || v.startsWith('--')) throw new GoliveError('GOLIVE_USAGE', '--out: expected a directory');
      out = v;
    } else throw new GoliveError('GOLIVE_USAGE', `unknown flag ${JSON.stringify(a)}; expected --quick, --out DIR or --no-install`);
  }
  const timeoutMs = 10_000;
  return quick
    ? {
        mode: 'quick', out, install,
        // ~1 s each, like the timed peers: shorter runs would mostly measure JIT warm-up.
        throughput: { connections: 10, requests: 50_000, wrkSeconds: 1, repeats: 1, timeoutMs },
        // A freeze at request 300 and 600: 3 s of arrivals at 200/s, 600 closed requests.
        accuracy: { requests: 300, stallRequests: 600, stallRate: 200, stallSeconds: 3, stallEvery: 300 },
        scaleRequests: 50_000,
        startupRuns: 2,
      }
    : {
        mode: 'full', out, install,
        throughput: { connections: 10, requests: 200_000, wrkSeconds: 8, repeats: 5, timeoutMs },
        accuracy: { requests: 2_000, stallRequests: 2_000, stallRate: 200, stallSeconds: 10, stallEvery: 400 },
        scaleRequests: 1_000_000,
        startupRuns: 5,
      };
}
