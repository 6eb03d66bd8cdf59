/** Test double of `k6/metrics`: a Counter or Rate records each add with its tags. */
import { k6Double } from './state.js';

export class Counter {
  constructor(readonly name: string) {}

  add(value: number, tags: Record<string, string> = {}): void {
    k6Double().samples.push({ metric: this.name, value, tags: { ...tags } });
  }
}

export class Rate {
  constructor(readonly name: string) {}

  add(value: number | boolean, tags: Record<string, string> = {}): void {
    k6Double().samples.push({ metric: this.name, value: value === true ? 1 : value === false ? 0 : value, tags: { ...tags } });
  }
}

export default { Counter, Rate };
