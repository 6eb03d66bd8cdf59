/** The load child's variants: the 80/20 mix and the contract the load phase would hold the target to. */
import { systemClock } from '../../src/core/clock.js';
import type { LoadMix } from '../../src/net/load/types.js';
import { Contract } from '../../src/openapi/contract.js';
import { ContractLog } from '../../src/openapi/conforming-http.js';
import { parseOpenApi } from '../../src/openapi/document.js';
import { loadConformance, processCpuMs } from '../../src/openapi/load-sampling.js';
import type { LoadJudge } from '../../src/phases/load-contract.js';

export const BENCH_MIX = (path: string): LoadMix => ({
  requests: [{ method: 'GET', path }, { method: 'GET', path: `${path}?mix=1` }],
  weights: [80, 20],
});

/** The bench target's /health ({"status":"healthy","service":"bench"}), as a contract documents it. */
const DOC = (path: string) => JSON.stringify({
  openapi: '3.1.0',
  info: { title: 'bench', version: '1' },
  paths: {
    [path]: {
      get: {
        responses: {
          200: {
            description: 'healthy',
            content: { 'application/json': { schema: { type: 'object', properties: { status: { type: 'string' }, service: { type: 'string' } }, required: ['status', 'service'] } } },
          },
        },
      },
    },
  },
});

/** `all`: no budget, every response checked (what the budget saves). */
export async function benchContract(path: string, all: boolean): Promise<LoadJudge> {
  const contract = new Contract(await parseOpenApi(DOC(path), 'bench'));
  return loadConformance({
    contract, log: new ContractLog(), cpuMs: processCpuMs, nowMs: () => systemClock.now(),
    ...(all ? { budget: { share: 1, graceMs: Infinity } } : {}),
  }, [{ method: 'GET', path, name: path, expected: (s) => s >= 200 && s < 400 }]);
}
