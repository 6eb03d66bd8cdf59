/**
 * `junit.xml` for CI: one <testsuite> per phase, one <testcase> per check and
 * per threshold, failures carrying the measured value in their message so a
 * CI summary line says *why* without opening the file.
 */
import { parseMetricSelector, thresholdPhase } from '../../thresholds/parse.js';
import type { CheckResult, PhaseName, PhaseResult, RunResult, ThresholdResult } from '../core/result.js';
import { describeFailedRequests, failedRequests } from './failed-requests.js';
import { escapeAttr, escapeText } from './text.js';
import { checkRows, NOT_RUN_LABEL, type CheckRow } from './check-view.js';
import { loadLine, loadProperties, stageCells, stageProperties, STAGE_HEAD } from './stage-rows.js';

type Outcome =
  | { kind: 'passed' }
  | { kind: 'failure'; message: string; type: string; body: string }
  | { kind: 'error'; message: string; type: string; body: string }
  | { kind: 'skipped'; message: string };

interface Case { classname: string; name: string; outcome: Outcome }

interface Suite {
  name: string;
  cases: Case[];
  timeSeconds: number;
  timestamp?: string;
  /** e.g. the phase's failed requests by cause */
  systemOut?: string;
  /** <properties>: figures a CI tool can read by name (the load's asked and done) */
  properties?: [string, number][];
}

const seconds = (ms: number): number => Math.max(0, ms) / 1000;
const fmtTime = (s: number): string => (Number.isFinite(s) ? s.toFixed(3) : '0.000');


/** A check that could not run (a step it needs failed) is skipped, with why; a failure names its cause. */
function checkCase(phase: PhaseName, c: CheckResult, row?: CheckRow): Case {
  const base = { classname: `golive.${phase}.checks`, name: c.name };
  if (c.notRun !== undefined && c.passes + c.fails === 0) return { ...base, outcome: { kind: 'skipped', message: c.notRun } };
  if (c.fails === 0) return { ...base, outcome: { kind: 'passed' } };
  if (row?.state === 'not-run') return { ...base, outcome: { kind: 'skipped', message: `${NOT_RUN_LABEL}: ${row.line}` } };
  const total = c.passes + c.fails;
  const first = row?.line || (c.reasons[0] ?? 'failed');
  return {
    ...base,
    outcome: {
      kind: 'failure',
      type: 'check',
      message: `${c.fails} of ${total} failed: ${first}`,
      body: [`check "${c.name}" (phase ${phase}): ${c.passes} passed, ${c.fails} failed`, ...c.reasons.map((r) => `- ${r}`)].join('\n'),
    },
  };
}

function thresholdCase(classname: string, t: ThresholdResult, phase?: PhaseResult): Case {
  const base = { classname, name: `${t.metric} ${t.expression}` };
  if (t.ok) return { ...base, outcome: { kind: 'passed' } };
  // golive's own lag could account for the failure: not evidence against the target (107).
  if (t.voided !== undefined) return { ...base, outcome: { kind: 'error', type: 'not-judged', message: t.voided, body: `metric: ${t.metric}\nthreshold: ${t.expression}\n${t.message}\n${t.voided}` } };
  // A phase that never ran has no samples; that is the phase's skip, not a second failure.
  if (phase?.status === 'skipped' && t.actual === undefined) {
    return { ...base, outcome: { kind: 'skipped', message: `phase ${phase.name} skipped${phase.reason ? `: ${phase.reason}` : ''}` } };
  }
  return {
    ...base,
    outcome: {
      kind: 'failure',
      type: 'threshold',
      message: t.message,
      body: [
        `metric: ${t.metric}`,
        `threshold: ${t.expression}`,
        `measured: ${t.actual === undefined ? 'no samples' : String(t.actual)}`,
        t.message,
      ].join('\n'),
    },
  };
}

/** A testcase for the phase itself, only where its status says more than its checks do. */
function phaseCase(p: PhaseResult, checks: readonly CheckResult[]): Case | undefined {
  const base = { classname: `golive.${p.name}`, name: p.name };
  const reason = p.reason ?? p.status;
  switch (p.status) {
    case 'skipped':
      return { ...base, outcome: { kind: 'skipped', message: reason } };
    case 'error':
    case 'aborted':
      return { ...base, outcome: { kind: 'error', type: p.status, message: reason, body: `phase ${p.name} ${p.status}: ${reason}` } };
    case 'failed':
      if (checks.some((c) => c.fails > 0)) return undefined;
      return { ...base, outcome: { kind: 'failure', type: 'phase', message: reason, body: `phase ${p.name} failed: ${reason}` } };
    case 'passed':
      return undefined;
  }
}

function thresholdStage(t: ThresholdResult): string | undefined {
  try {
    return parseMetricSelector(t.metric).tags['stage'];
  } catch {
    return undefined;
  }
}

function buildSuites(result: RunResult): Suite[] {
  const g = result.golive;
  const phaseByName = new Map(g.phases.map((p) => [p.name, p]));
  const stageNames = new Set((g.stages ?? []).map((st) => st.name));
  const inStageSuite = (t: ThresholdResult): boolean => {
    const stage = thresholdStage(t);
    return stage !== undefined && stageNames.has(stage);
  };
  const rows = checkRows(result);
  const rowOf = (c: CheckResult) => rows.find((r) => r.phase === c.phase && r.name === c.name);
  const suites: Suite[] = g.phases.map((p) => {
    const checks = g.checks.filter((c) => c.phase === p.name);
    const own = phaseCase(p, checks);
    const failed = failedRequests(result, p.name);
    const edge = p.name === 'edge' ? g.edge : undefined;
    const account = p.name === 'load' ? g.load : undefined;
    const out = [
      ...(account ? [`load: ${loadLine(account)}`] : []),
      ...(failed.length ? [`failed requests by cause: ${describeFailedRequests(failed)}`] : []),
      // The measured value of every edge check, passed ones included.
      ...(edge ? edge.checks.map((c) => `${c.name}: ${c.status}: ${c.detail}`) : []),
    ];
    return {
      name: `golive.${p.name}`,
      ...(out.length ? { systemOut: out.join('\n') } : {}),
      ...(account ? { properties: loadProperties(account) } : {}),
      timeSeconds: seconds(p.durationMs),
      ...(p.startedAt ? { timestamp: p.startedAt } : {}),
      cases: [
        ...(own ? [own] : []),
        ...checks.map((c) => checkCase(p.name, c, rowOf(c))),
        ...(edge ? edge.checks.filter((c) => c.status === 'skipped').map((c): Case => ({ classname: 'golive.edge.checks', name: c.name, outcome: { kind: 'skipped', message: c.detail } })) : []),
        ...g.thresholds
          .filter((t) => thresholdPhase(t) === p.name && !inStageSuite(t))
          .map((t) => thresholdCase(`golive.${p.name}.thresholds`, t, p)),
      ],
    };
  });
  // A suite per load stage: its thresholds as testcases, its figures in system-out.
  for (const st of g.stages ?? []) {
    const figures = stageCells(st).slice(2).map((c, i) => `${STAGE_HEAD[i + 2] ?? ''} ${c}`).join('; ');
    suites.push({
      name: `golive.stage.${st.name}`,
      systemOut: figures,
      properties: stageProperties(st),
      timeSeconds: st.durationSeconds,
      ...(st.startedAt ? { timestamp: st.startedAt } : {}),
      cases: g.thresholds.filter((t) => thresholdStage(t) === st.name).map((t) => thresholdCase(`golive.stage.${st.name}.thresholds`, t)),
    });
  }
  // Checks of a phase missing from `phases` must still be counted somewhere.
  const orphanChecks = g.checks.filter((c) => !phaseByName.has(c.phase));
  const global = g.thresholds.filter((t) => {
    if (inStageSuite(t)) return false;
    const ph = thresholdPhase(t);
    return ph === undefined || !phaseByName.has(ph);
  });
  if (global.length || orphanChecks.length) {
    suites.push({
      name: 'golive.thresholds',
      timeSeconds: 0,
      cases: [
        ...orphanChecks.map((c) => checkCase(c.phase, c, rowOf(c))),
        ...global.map((t) => thresholdCase('golive.thresholds', t)),
      ],
    });
  }
  if (g.rollback.triggered) {
    const reasons = g.rollback.reasons.length ? g.rollback.reasons : ['rollback triggered'];
    suites.push({
      name: 'golive.rollback',
      timeSeconds: 0,
      cases: [{
        classname: 'golive.rollback',
        name: 'rollback trigger',
        outcome: { kind: 'failure', type: 'rollback', message: `ROLLBACK TRIGGER: ${reasons.join('; ')}`, body: reasons.join('\n') },
      }],
    });
  }
  const phaseError = g.phases.some((p) => p.status === 'error' || p.status === 'aborted');
  if ((g.verdict === 'error' || g.verdict === 'aborted') && !phaseError) {
    const message = g.error ?? `run ${g.verdict}`;
    suites.push({
      name: 'golive.run',
      timeSeconds: seconds(g.durationMs),
      cases: [{ classname: 'golive.run', name: 'run', outcome: { kind: 'error', type: g.verdict, message, body: message } }],
    });
  }
  return suites;
}

interface Totals { tests: number; failures: number; errors: number; skipped: number }

function totals(cases: readonly Case[]): Totals {
  const count = (k: Outcome['kind']) => cases.filter((c) => c.outcome.kind === k).length;
  return { tests: cases.length, failures: count('failure'), errors: count('error'), skipped: count('skipped') };
}

function countsAttrs(t: Totals, time: number): string {
  return `tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="${t.skipped}" time="${fmtTime(time)}"`;
}

function renderCase(c: Case): string {
  const open = `    <testcase classname="${escapeAttr(c.classname)}" name="${escapeAttr(c.name)}" time="0.000"`;
  const o = c.outcome;
  switch (o.kind) {
    case 'passed':
      return `${open}/>`;
    case 'skipped':
      return `${open}>\n      <skipped message="${escapeAttr(o.message)}"/>\n    </testcase>`;
    case 'failure':
    case 'error':
      return `${open}>\n      <${o.kind} message="${escapeAttr(o.message)}" type="${escapeAttr(o.type)}">${escapeText(o.body)}</${o.kind}>\n    </testcase>`;
  }
}

/**
 * The root carries only a name and the run's time: Jenkins' junit-10.xsd
 * allows no `skipped` or `timestamp` there, and a root with some counts but
 * not `skipped` makes test-results-parser count skipped cases as passed. The
 * counts live on each <testsuite>, where every reader looks for them.
 */
export function renderJunit(result: RunResult): string {
  const suites = buildSuites(result);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="golive" time="${fmtTime(seconds(result.golive.durationMs))}">`,
  ];
  suites.forEach((s, id) => {
    const stamp = s.timestamp ?? result.golive.startedAt;
    lines.push(`  <testsuite name="${escapeAttr(s.name)}" id="${id}" ${countsAttrs(totals(s.cases), s.timeSeconds)} timestamp="${escapeAttr(stamp)}">`);
    // junit-10.xsd: <properties> comes before the testcases.
    if (s.properties?.length) {
      lines.push('    <properties>', ...s.properties.map(([k, v]) => `      <property name="${escapeAttr(k)}" value="${escapeAttr(String(v))}"/>`), '    </properties>');
    }
    lines.push(...s.cases.map(renderCase));
    if (s.systemOut) lines.push(`    <system-out>${escapeText(s.systemOut)}</system-out>`);
    lines.push('  </testsuite>');
  });
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
