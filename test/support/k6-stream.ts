/**
 * k6's `--out json` lines, as k6 v0.57 and v1 write them (a Metric declaration
 * before a metric's first Point; `{"metric":...,"type":"Point",...}`), for the
 * stand-in k6 to hand to golive's stream reader.
 */
export interface StreamSample { metric: string; value: number; tags: Record<string, string>; timeMs: number }

export function k6JsonLines(samples: readonly StreamSample[]): string {
  const declared = new Set<string>();
  const lines: string[] = [];
  for (const s of samples) {
    if (!declared.has(s.metric)) {
      declared.add(s.metric);
      lines.push(JSON.stringify({ type: 'Metric', data: { name: s.metric, type: 'trend', contains: 'time', thresholds: [], submetrics: null }, metric: s.metric }));
    }
    const time = new Date(s.timeMs).toISOString().replace('Z', '123456Z');
    lines.push(JSON.stringify({ metric: s.metric, type: 'Point', data: { time, value: s.value, tags: s.tags } }));
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** One HTTP request's http_req_duration sample (the reader derives http_reqs and http_req_failed from it), plus k6's timing trends. */
export function httpSample(phase: string, ms: number, timeMs: number, opts: { status?: number; path?: string; method?: string; stage?: string } = {}): StreamSample[] {
  const status = opts.status ?? 200;
  const tags: Record<string, string> = {
    expected_response: String(status >= 200 && status < 400), group: '', method: opts.method ?? 'GET', name: opts.path ?? '/x',
    phase, scenario: phase, status: String(status), url: `http://127.0.0.1:1${opts.path ?? '/x'}`, ...(opts.stage ? { stage: opts.stage } : {}),
  };
  return [
    { metric: 'http_reqs', value: 1, tags, timeMs },
    { metric: 'http_req_duration', value: ms, tags, timeMs },
    { metric: 'http_req_waiting', value: ms, tags, timeMs },
    { metric: 'http_req_failed', value: status >= 200 && status < 400 ? 0 : 1, tags, timeMs },
  ];
}

export const checkSample = (phase: string, check: string, ok: boolean, timeMs: number): StreamSample =>
  ({ metric: 'checks', value: ok ? 1 : 0, tags: { check, group: `::${phase}`, phase, scenario: phase }, timeMs });
