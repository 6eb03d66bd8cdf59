/**
 * One line of k6's `--out json`, read fast and strictly: k6 v0.57 to v1
 * write a Point as `{"metric":"NAME","type":"Point","data":{"time":"T",
 * "value":V,"tags":{...}}}`. That exact layout is cut apart by offsets and the
 * tags object, the same for most lines, is parsed once per distinct text;
 * anything else goes through JSON.parse and the same checks, so a layout
 * change costs speed, never correctness.
 */
export interface Point { time: number; value: number; tags: Readonly<Record<string, string>>; tagsKey: string }

export const POINT_PREFIX = '{"metric":"';
const PREFIX_BYTES = Buffer.from(POINT_PREFIX);
const DECLARATION = Buffer.from('{"type":"Metric"');
const QUOTE = 34;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** distinct tag texts whose parse is kept */
const MAX_TAG_TEXTS = 10_000;

function startsWith(buf: Buffer, s: number, e: number, prefix: Buffer): boolean {
  if (e - s < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[s + i] !== prefix[i]) return false;
  return true;
}

/**
 * The metric name of the line buf[s..e): a Point's name, `''` for a Metric
 * declaration, undefined for anything else. `lengths` filters before any
 * string is made: a name of another length is returned as '-'.
 */
export function lineMetric(buf: Buffer, s: number, e: number, lengths: ReadonlySet<number>): string | undefined {
  if (startsWith(buf, s, e, PREFIX_BYTES)) {
    const from = s + PREFIX_BYTES.length;
    const end = buf.indexOf(QUOTE, from);
    if (end === -1 || end >= e) return undefined;
    return lengths.has(end - from) ? buf.toString('latin1', from, end) : '-';
  }
  return startsWith(buf, s, e, DECLARATION) ? '' : undefined;
}

function validTags(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class PointParser {
  private readonly tagTexts = new Map<string, Record<string, string> | null>();

  /** A Point of `name` from its line's text, or what is wrong with it. */
  parse(name: string, text: string): Point | string {
    return this.fast(name, text) ?? slow(text);
  }

  private tags(text: string): Record<string, string> | null | undefined {
    const hit = this.tagTexts.get(text);
    if (hit !== undefined) return hit;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return undefined;
    }
    const tags = v === null ? null : validTags(v) ? v : undefined;
    if (tags !== undefined && this.tagTexts.size < MAX_TAG_TEXTS) this.tagTexts.set(text, tags);
    return tags;
  }

  private fast(name: string, text: string): Point | undefined {
    const head = `${POINT_PREFIX}${name}","type":"Point","data":{"time":"`;
    if (!text.startsWith(head) || !text.endsWith('}}')) return undefined;
    const tEnd = text.indexOf('"', head.length);
    if (tEnd === -1 || !text.startsWith('","value":', tEnd)) return undefined;
    const vStart = tEnd + 10;
    const vEnd = text.indexOf(',"tags":', vStart);
    if (vEnd === -1) return undefined;
    const raw = text.slice(vStart, vEnd);
    const time = Date.parse(text.slice(head.length, tEnd));
    if (!NUMBER.test(raw) || !Number.isFinite(time)) return undefined;
    const tagsKey = text.slice(vEnd + 8, text.length - 2);
    const tags = this.tags(tagsKey);
    if (tags === undefined) return undefined;
    return { time, value: Number(raw), tags: tags ?? {}, tagsKey };
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
