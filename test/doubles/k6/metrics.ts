/** Test double of `k6/metrics`: a Counter records each add with its tags. */
import { k6Double } from './state.js';

export class Counter {
  constructor(readonly name: string) {}

  add(value: number, tags: Record<string, string> = {}): void {
    k6Double().samples.push({ metric: this.name, value, tags: { ...tags } });
  }
}

export default { Counter };
