/** Test double of `k6/execution` (see state.ts for why doubles). */
import { K6TestAborted, k6Double } from './state.js';

export const test = {
  abort(reason?: string): never {
    const s = k6Double();
    s.aborted = reason ?? '';
    throw new K6TestAborted(reason ?? 'aborted');
  },
};

export const scenario = { name: 'test', executor: 'shared-iterations', iterationInTest: 0, iterationInInstance: 0, progress: 0, startTime: 0 };
export const vu = { idInTest: 1, idInInstance: 1, iterationInScenario: 0, iterationInInstance: 0 };
export const instance = { iterationsCompleted: 0, iterationsInterrupted: 0, vusActive: 1, vusInitialized: 1, currentTestRunDuration: 0 };

export default { test, scenario, vu, instance };
