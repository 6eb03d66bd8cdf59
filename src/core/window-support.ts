/**
 * Which selectors a windowed threshold (`... over 10s`) can use: what the
 * timeline keeps per interval (see timeline.ts, windows.ts). Plain data, so
 * the config check and the k6 bundle can read it without the histograms.
 */
export const WINDOWED_METRICS: Readonly<Record<string, 'trend' | 'rate' | 'counter'>> = {
  http_req_duration: 'trend',
  http_req_failed: 'rate',
  http_reqs: 'counter',
};
export const WINDOW_TAGS: readonly string[] = ['phase', 'stage'];

/** Why a selector has no windows, or undefined when it can have them. */
export function windowsUnsupported(name: string, tags: Readonly<Record<string, string>>): string | undefined {
  if (!(name in WINDOWED_METRICS)) return `windowed thresholds apply to ${Object.keys(WINDOWED_METRICS).join(', ')} only (the per-second data golive keeps)`;
  const extra = Object.keys(tags).filter((k) => !WINDOW_TAGS.includes(k));
  if (extra.length > 0) return `windowed thresholds select by phase and stage only, not by ${extra.join(', ')}`;
  return undefined;
}
