/** Test double of the `k6` module (see state.ts for why doubles). */
import { groupPath, k6Double } from './state.js';

export function check<T>(value: T, sets: Record<string, (v: T) => unknown>, tags: Record<string, string> = {}): boolean {
  const s = k6Double();
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    const ok = Boolean(fn(value));
    s.checks.push({ name, ok, tags: { ...tags }, group: groupPath(s) });
    all &&= ok;
  }
  return all;
}

export function group<R>(name: string, fn: () => R): R {
  const s = k6Double();
  s.groupStack.push(name);
  try {
    return fn();
  } finally {
    s.groupStack.pop();
  }
}

export function fail(message?: string): never {
  throw new Error(message ?? 'fail() called');
}

export function sleep(): void {
  // the doubles answer at once; nothing to wait for
}

export default { check, group, fail, sleep };
