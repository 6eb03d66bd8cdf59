/**
 * What the load phase asks of the API's contract, as types only: the
 * implementation (src/openapi/load-sampling.ts, with ajv) is loaded only
 * when a contract is configured.
 */
import type { LoadCapture } from '../net/load/capture.js';
import type { LoadSample } from '../net/load/types.js';
import type { Findings } from './findings.js';

/** One request of the load (of its mix), as the contract sees it. */
export interface LoadTarget {
  method: string;
  /** the concrete path, without the query */
  path: string;
  /** how reports name it: the configured path, or the declared step's template */
  name: string;
  expected(status: number): boolean;
}

export interface LoadJudge {
  /** chooses the responses the generator keeps */
  capture: LoadCapture;
  /** every sample, in onSample: judges the kept ones */
  judge(sample: LoadSample, found: Findings): void;
  /** the share checked, for the reports */
  note(): string;
  stats(): { responses: number; checked: number; capped: number; stride: number; cpuMs: number };
}

/** Made per load run, from its requests. */
export type LoadContract = (targets: readonly LoadTarget[]) => LoadJudge;
