/** Bench modes and flags (pure). */
import { GoliveError } from '../../src/core/errors.js';
import type { AccuracyConfig } from './accuracy.js';
import type { K6PeerConfig } from './k6-peer.js';
import type { OpenModelConfig } from './open-model.js';
import type { ThroughputConfig } from './throughput.js';
import type { VariantsConfig } from './variants.js';

export interface BenchConfig {
  mode: 'quick' | 'full';
  out: string;
  install: boolean;
  throughput: ThroughputConfig;
  accuracy: AccuracyConfig;
  scaleRequests: number;
  startupRuns: number;
  openModel: OpenModelConfig;
  /** k6 as a closed-model peer, and the runbook load through both engines */
  k6: K6PeerConfig;
  /** the closed model's single GET against a mix and contract sampling, same run */
  variants: VariantsConfig;
  /** the sections to run (all by default; `--only` picks some while developing) */
  sections: readonly Section[];
}

export const SECTIONS = ['throughput', 'accuracy', 'stall', 'scale', 'startup', 'open-model', 'k6', 'variants'] as const;
export type Section = (typeof SECTIONS)[number];

export const USAGE = `usage: npm run bench -- [--quick] [--out DIR] [--no-install] [--only SECTION,...]
  --quick       CI-sized run, a few minutes
  --only LIST   run only these sections: ${SECTIONS.join(', ')}
  --out DIR     where bench.json goes (default: reports)
  --no-install  do not try to apt-get install missing peers (ab, wrk, nginx)`;

export function benchConfig(argv: readonly string[]): BenchConfig | 'help' {
  let quick = false;
  let out = 'reports';
  let install = true;
  let sections: readonly Section[] = SECTIONS;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--no-install') install = false;
    else if (a === '--help' || a === '-h') return 'help';
    else if (a === '--only') {
      const v = argv[++i] ?? '';
      const picked = v.split(',').map((x) => x.trim()).filter(Boolean);
      const bad = picked.find((x) => !(SECTIONS as readonly string[]).includes(x));
      if (picked.length === 0 || bad !== undefined) throw new GoliveError('GOLIVE_USAGE', `--only: expected sections from ${SECTIONS.join(', ')}, got ${JSON.stringify(v)}`);
      sections = picked as Section[];
    } else if (a === '--out') {
      const v = argv[++i];
      if (!v || v.startsWith('--')) throw new GoliveError('GOLIVE_USAGE', '--out: expected a directory');
      out = v;
    } else throw new GoliveError('GOLIVE_USAGE', `unknown flag ${JSON.stringify(a)}; expected --quick, --out DIR or --no-install`);
  }
  const timeoutMs = 10_000;
  return quick
    ? {
        mode: 'quick', out, install, sections,
        // 2 s per rate: long enough for k6's VUs and golive's connections to settle.
        openModel: { rates: [500, 2_000, 5_000, 20_000], seconds: 2, repeats: 1, maxInFlight: 200, searchRates: [5_000, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000], closedRequests: 50_000, closedRuns: 3, timeoutMs },
        // ~1 s each, like the timed peers: shorter runs would mostly measure JIT warm-up.
        throughput: { connections: 10, requests: 50_000, wrkSeconds: 1, repeats: 1, timeoutMs },
        // A freeze at request 300 and 600: 3 s of arrivals at 200/s, 600 closed requests.
        accuracy: { requests: 300, stallRequests: 600, stallRate: 200, stallSeconds: 3, stallEvery: 300 },
        scaleRequests: 50_000,
        startupRuns: 2,
        k6: { requests: 20_000, repeats: 1, accuracyRequests: 300, runbookRequests: 1000 },
        variants: { connections: 10, requests: 50_000, repeats: 3, timeoutMs },
      }
    : {
        mode: 'full', out, install, sections,
        openModel: { rates: [500, 2_000, 5_000, 20_000], seconds: 3, repeats: 3, maxInFlight: 200, searchRates: [5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000, 45_000, 50_000, 60_000], closedRequests: 100_000, closedRuns: 3, timeoutMs },
        throughput: { connections: 10, requests: 200_000, wrkSeconds: 8, repeats: 5, timeoutMs },
        accuracy: { requests: 2_000, stallRequests: 2_000, stallRate: 200, stallSeconds: 10, stallEvery: 400 },
        scaleRequests: 1_000_000,
        startupRuns: 5,
        k6: { requests: 100_000, repeats: 3, accuracyRequests: 2_000, runbookRequests: 1000 },
        variants: { connections: 10, requests: 200_000, repeats: 5, timeoutMs },
      };
}
