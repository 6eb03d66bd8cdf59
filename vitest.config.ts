import { defineConfig } from 'vitest/config';

// Latency-accuracy tests run last and alone: on two cores, anything running
// beside them shows up in the percentiles they measure.
const TIMING = ['test/accuracy.test.ts', 'test/engine-parity-latency.test.ts', 'test/docs/outputs.test.ts', 'test/busy-machine.test.ts'];
// A real node per file (containerd, kubelet, scheduler, a control plane): heavy, and
// each file's pods share the host's cgroups and CPU, so these run one file at a time,
// after the timing tests, never beside them.
const REAL_NODE = ['test/k8s/real-node/**/*.test.ts'];
// Reads the junit.xml files every other file's CLI runs wrote: after all of them.
const COLLECTED = ['test/junit-collected.test.ts'];

export default defineConfig({
  test: {
    // dist/ is built once here, never by a test: others spawn it concurrently.
    globalSetup: ['test/support/global-build.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: [...TIMING, ...REAL_NODE, ...COLLECTED], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'timing', include: TIMING, fileParallelism: false, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        test: { name: 'real-node', include: REAL_NODE, fileParallelism: false, maxWorkers: 1, sequence: { groupOrder: 2 } },
      },
      {
        extends: true,
        test: { name: 'collected', include: COLLECTED, sequence: { groupOrder: 3 } },
      },
    ],
  },
});
