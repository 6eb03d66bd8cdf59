/** Test double of `k6/data`: a SharedArray is the callback's array (one VU, nothing to share). */
export class SharedArray {
  constructor(_name: string, make: () => unknown[]) {
    return make() as unknown as SharedArray;
  }
}

export default { SharedArray };
