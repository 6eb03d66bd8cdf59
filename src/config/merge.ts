/** Raw config fragments (file, env, flags) and their deep merge, later wins. */
export type RawConfig = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergeRaw(...layers: RawConfig[]): RawConfig {
  const out: RawConfig = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      const prev = out[k];
      // A workload switches model wholesale: merging closed fields into an open one is nonsense.
      if (k === 'workload' && isObject(prev) && isObject(v) && v.model !== undefined && v.model !== prev.model) out[k] = v;
      else out[k] = isObject(prev) && isObject(v) ? mergeRaw(prev, v) : v;
    }
  }
  return out;
}
