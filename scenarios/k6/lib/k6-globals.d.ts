/**
 * Globals k6 provides that @types/k6 does not declare, and one it does not.
 *
 * `console` is k6's logger (stderr).
 *
 * `URL` is NOT a k6 global. src/config/schema.ts uses it only inside the
 * refinements of URL-valued fields (target, Prometheus URLs), which the k6 plan
 * (src/contract/k6-plan.ts) does not pick, so the bundle never calls it. It is
 * declared so that module type-checks here; test/k6-scenarios.test.ts runs
 * the bundles with `URL` shadowed to `undefined` to prove it is never called.
 */
declare global {
  const console: {
    log(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    debug(...args: unknown[]): void;
  };
  class URL {
    constructor(input: string, base?: string);
    readonly protocol: string;
  }
}

export {};
