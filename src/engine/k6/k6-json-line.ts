/**
 * One line of k6's `--out json`, read fast and strictly: k6 v0.57 to v1
 * write a Point as `{"metric":"NAME","type":"Point","data":{"time":"T",
 * "value":V,"tags":{...}}}`. Lines are read from a chunk decoded once as
 * latin1 (one character per byte, so a character's index is its byte's, and
 * no line is sliced out or decoded on its own); that exact layout is cut
 * apart by offsets, the tags object (the same text for most lines) is parsed
 * once per distinct text from its UTF-8 bytes, and the time once per second.
 * Anything else goes through JSON.parse and the same checks, so a layout
 * change costs speed, never correctness.
 */
export interface Point { time: number; value: number; tags: Readonly<Record<string, string>>; tagsKey: string }

export const POINT_PREFIX = '{"metric":"';
const DECLARATION = '{"type":"Metric"';
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** `2026-01-01T10:00:00` `.123456789` `Z` (Go's RFC 3339 with nanoseconds, trailing zeros cut, any zone) */
const TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;
/** distinct tag texts whose parse is kept */
const MAX_TAG_TEXTS = 10_000;

/**
 * A copy that holds no reference to the chunk it was cut from: V8 keeps a
 * slice of a string as a view of the whole, so a map key made from a slice of
 * a 64 KiB chunk would keep the chunk alive.
 */
const own = (s: string): string => Buffer.from(s, 'latin1').toString('latin1');

/**
 * The metric name of the line text[s..e): the matching entry of `names` for
 * a Point of a metric golive uses, `'-'` for a Point of another metric, `''`
 * for a Metric declaration, undefined for anything else. `lengths` (of the
 * names) filters before any string is made.
 */
export function lineMetric(text: string, s: number, e: number, names: ReadonlyMap<string, string>, lengths: ReadonlySet<number>): string | undefined {
  if (text.startsWith(POINT_PREFIX, s)) {
    const from = s + POINT_PREFIX.length;
    const end = text.indexOf('"', from);
    if (end === -1 || end >= e) return undefined;
    return lengths.has(end - from) ? names.get(text.slice(from, end)) ?? '-' : '-';
  }
  return e - s >= DECLARATION.length && text.startsWith(DECLARATION, s) ? '' : undefined;
}

function validTags(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface TagText { key: string; tags: Record<string, string> }

export class PointParser {
  private readonly tagTexts = new Map<string, TagText>();
  private second = '';
  private secondMs = NaN;

  /**
   * A Point of `name` from the line text[s..e), or what is wrong with it.
   * `text` is `bytes` from byte `base` on, decoded as latin1.
   */
  parse(name: string, text: string, s: number, e: number, bytes: Buffer, base: number): Point | string {
    return this.fast(name, text, s, e, bytes, base) ?? slow(bytes.toString('utf8', base + s, base + e));
  }

  private tags(text: string, from: number, to: number, bytes: Buffer, base: number): TagText | undefined {
    const latin1 = text.slice(from, to);
    const hit = this.tagTexts.get(latin1);
    if (hit !== undefined) return hit;
    let v: unknown;
    try {
      v = JSON.parse(bytes.toString('utf8', base + from, base + to));
    } catch {
      return undefined;
    }
    if (v !== null && !validTags(v)) return undefined;
    const t: TagText = { key: own(latin1), tags: v ?? {} };
    if (this.tagTexts.size < MAX_TAG_TEXTS) this.tagTexts.set(t.key, t);
    return t;
  }

  /** ms since the epoch, as Date.parse reads it (fraction cut to ms), with each second's date parsed once */
  private time(t: string): number {
    const m = TIME.exec(t);
    if (m === null) return Date.parse(t);
    const second = `${m[1]}${m[3]}`;
    if (second !== this.second) {
      this.second = own(second);
      this.secondMs = Date.parse(this.second);
    }
    // the fraction's first three digits, as Date.parse cuts it (no float rounding)
    return this.secondMs + (m[2] === undefined ? 0 : Number(`${m[2]}00`.slice(0, 3)));
  }

  private fast(name: string, text: string, s: number, e: number, bytes: Buffer, base: number): Point | undefined {
    const head = `${POINT_PREFIX}${name}","type":"Point","data":{"time":"`;
    // '}}' closes data and the line; '}' before it closes the tags object
    if (!text.startsWith(head, s) || text.charCodeAt(e - 1) !== 125 || text.charCodeAt(e - 2) !== 125) return undefined;
    const tFrom = s + head.length;
    const tEnd = text.indexOf('"', tFrom);
    if (tEnd === -1 || tEnd >= e || !text.startsWith('","value":', tEnd)) return undefined;
    const vStart = tEnd + 10;
    const vEnd = text.indexOf(',"tags":', vStart);
    if (vEnd === -1 || vEnd >= e) return undefined;
    const raw = text.slice(vStart, vEnd);
    const time = this.time(text.slice(tFrom, tEnd));
    if (!NUMBER.test(raw) || !Number.isFinite(time)) return undefined;
    const tags = this.tags(text, vEnd + 8, e - 2, bytes, base);
    if (tags === undefined) return undefined;
    return { time, value: Number(raw), tags: tags.tags, tagsKey: tags.key };
  }
}

/** Any layout: JSON.parse and the checks. */
function slow(text: string): Point | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const data = (doc as { type?: unknown; data?: unknown }).data as { time?: unknown; value?: unknown; tags?: unknown } | undefined;
  if ((doc as { type?: unknown }).type !== 'Point' || typeof data !== 'object' || data === null) return 'not a k6 Point';
  const time = typeof data.time === 'string' ? Date.parse(data.time) : NaN;
  if (!Number.isFinite(time)) return 'a Point without a valid time';
  if (typeof data.value !== 'number' || !Number.isFinite(data.value)) return 'a Point without a numeric value';
  const tags = data.tags === null || data.tags === undefined ? {} : data.tags;
  if (!validTags(tags)) return 'a Point with tags that are not an object';
  return { time, value: data.value, tags, tagsKey: JSON.stringify(tags) };
}
