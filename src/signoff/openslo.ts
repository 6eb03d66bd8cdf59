/**
 * `--slo FILE`: the criteria from an OpenSLO v1 document (SLO and SLI kinds,
 * inline or by `indicatorRef`; a Prometheus ratio or threshold metric;
 * Occurrences or Timeslices budgeting) instead of the runbook's. Each
 * objective becomes one PromQL criterion over the window. Bad input is one
 * 104 line naming the document and the field.
 */
import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import { z } from 'zod';
import { GoliveError, firstLine } from '../core/errors.js';
import type { CompareOp } from '../phases/saturation/queries.js';
import { RANGE_PLACEHOLDER } from '../phases/saturation/queries.js';
import type { QueryCriterion } from './criteria.js';

const promSource = z.object({ metricSource: z.object({ type: z.string().regex(/^prometheus$/i, 'expected type Prometheus'), spec: z.object({ query: z.string().min(1) }) }) });
const sliSpec = z.object({
  thresholdMetric: promSource.optional(),
  ratioMetric: z.object({ counter: z.boolean().default(false), good: promSource.optional(), bad: promSource.optional(), total: promSource })
    .refine((r) => (r.good === undefined) !== (r.bad === undefined), 'expected good or bad (one of them)').optional(),
}).refine((s) => (s.thresholdMetric === undefined) !== (s.ratioMetric === undefined), 'expected thresholdMetric or ratioMetric');
const meta = z.object({ name: z.string().min(1).max(120), displayName: z.string().max(200).optional() });
const sliDoc = z.object({ apiVersion: z.literal('openslo/v1'), kind: z.literal('SLI'), metadata: meta, spec: sliSpec });
const duration = z.string().regex(/^\d+(s|m|h|d)$/, 'expected a duration such as 1m');
const objective = z.object({
  displayName: z.string().max(200).optional(),
  op: z.enum(['lt', 'lte', 'gt', 'gte']).optional(),
  value: z.number().optional(),
  target: z.number().gt(0).lte(1).optional(),
  targetPercent: z.number().gt(0).lte(100).optional(),
  timeSliceTarget: z.number().gt(0).lte(1).optional(),
  timeSliceWindow: duration.optional(),
}).refine((o) => o.target !== undefined || o.targetPercent !== undefined, 'expected target or targetPercent');
const sloDoc = z.object({
  apiVersion: z.literal('openslo/v1'), kind: z.literal('SLO'), metadata: meta,
  spec: z.object({
    indicator: z.object({ metadata: meta, spec: sliSpec }).optional(),
    indicatorRef: z.string().optional(),
    budgetingMethod: z.enum(['Occurrences', 'Timeslices', 'RatioTimeslices']),
    objectives: z.array(objective).min(1),
  }).refine((s) => s.indicator !== undefined || s.indicatorRef !== undefined, 'expected indicator or indicatorRef'),
});

type SliSpec = z.infer<typeof sliSpec>;
type Objective = z.infer<typeof objective>;

const OPS: Readonly<Record<NonNullable<Objective['op']>, CompareOp>> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };
const PLACEHOLDER = /\{\{\s*\.window\s*\}\}|\$__range/g;
const HAS_PLACEHOLDER = /\{\{\s*\.window\s*\}\}|\$__range/;

/** A plain selector can go under increase() as is; anything else goes in a subquery. */
const isSelector = (q: string) => /^[A-Za-z_:][\w:]*(\{[^}]*\})?$/.test(q.trim());

/** The sum of a metric over `range` (a PromQL range or `$__range`). */
function total(query: string, counter: boolean, range: string): string {
  if (HAS_PLACEHOLDER.test(query)) return `sum(${query.replace(PLACEHOLDER, range)})`;
  if (counter) return isSelector(query) ? `sum(increase(${query}[${range}]))` : `sum(increase((${query})[${range}:1m]))`;
  return `sum(avg_over_time((${query})[${range}:1m]))`;
}

/** Pure: one objective of an SLO as a criterion judged over `$__range`. */
export function objectiveCriterion(name: string, sli: SliSpec, budgeting: string, o: Objective): QueryCriterion {
  const target = o.target ?? (o.targetPercent ?? 100) / 100;
  const slice = o.timeSliceWindow ?? '1m';
  const R = RANGE_PLACEHOLDER;
  let promql: string;
  if (sli.thresholdMetric) {
    if (!o.op || o.value === undefined) throw new Error('a thresholdMetric objective needs op and value');
    const q = sli.thresholdMetric.metricSource.spec.query;
    // The share of slices (or minutes) in which the metric met the objective.
    promql = `avg_over_time(((${q}) ${OPS[o.op]} bool ${o.value})[${R}:${slice}])`;
  } else {
    const r = sli.ratioMetric;
    if (!r) throw new Error('expected thresholdMetric or ratioMetric');
    const good = (range: string) => r.good
      ? total(r.good.metricSource.spec.query, r.counter, range)
      : `(${total(r.total.metricSource.spec.query, r.counter, range)} - ${total(r.bad?.metricSource.spec.query ?? '', r.counter, range)})`;
    const ratio = (range: string) => `${good(range)} / ${total(r.total.metricSource.spec.query, r.counter, range)}`;
    promql = budgeting === 'Occurrences' ? ratio(R)
      : `avg_over_time(((${ratio(slice)}) >= bool ${o.timeSliceTarget ?? target})[${R}:${slice}])`;
  }
  return { kind: 'query', id: `slo:${name}`, name, promql, op: '>=', value: target, unit: 'ratio' };
}

const invalid = (label: string, msg: string) => new GoliveError('GOLIVE_INVALID_CONFIG', `--slo ${label}: ${msg}`);

export function parseOpenSlo(text: string, label: string): QueryCriterion[] {
  let docs: unknown[];
  try {
    docs = YAML.parseAllDocuments(text).map((d) => {
      if (d.errors.length) throw new Error(d.errors[0]?.message ?? 'invalid YAML');
      return d.toJS() as unknown;
    }).filter((d) => d !== null && d !== undefined);
  } catch (err) {
    throw invalid(label, `not YAML: ${firstLine(err)}`);
  }
  const slis = new Map<string, SliSpec>();
  const slos: z.infer<typeof sloDoc>[] = [];
  docs.forEach((d, i) => {
    const kind = (d as { kind?: unknown }).kind;
    const r = kind === 'SLI' ? sliDoc.safeParse(d) : kind === 'SLO' ? sloDoc.safeParse(d) : undefined;
    if (!r) return; // Service, AlertPolicy, ...: not needed to judge
    if (!r.success) {
      const issue = r.error.issues[0];
      throw invalid(label, `document ${i + 1} (${String(kind)}): ${(issue?.path ?? []).join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    }
    if (r.data.kind === 'SLI') slis.set(r.data.metadata.name, r.data.spec);
    else slos.push(r.data);
  });
  if (slos.length === 0) throw invalid(label, 'no kind: SLO document (apiVersion openslo/v1)');
  return slos.flatMap((s) => {
    const sli = s.spec.indicator?.spec ?? slis.get(s.spec.indicatorRef ?? '');
    if (!sli) throw invalid(label, `SLO ${s.metadata.name}: indicatorRef "${s.spec.indicatorRef ?? ''}" names no SLI in the file`);
    return s.spec.objectives.map((o, i) => {
      const name = `${s.metadata.displayName ?? s.metadata.name}${s.spec.objectives.length > 1 ? ` (${o.displayName ?? `objective ${i + 1}`})` : ''}`;
      try {
        return objectiveCriterion(name, sli, s.spec.budgetingMethod, o);
      } catch (err) {
        throw invalid(label, `SLO ${s.metadata.name}: objectives.${i}: ${firstLine(err)}`);
      }
    });
  });
}

export async function readSloFile(path: string, label: string): Promise<QueryCriterion[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw invalid(label, `cannot read: ${(err as NodeJS.ErrnoException).code ?? firstLine(err)}`);
  }
  return parseOpenSlo(text, label);
}
