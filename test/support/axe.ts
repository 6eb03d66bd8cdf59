/**
 * axe-core (the accessibility engine of browser audits) run inside a page the
 * real Chromium has opened, with its default rules: what an accessibility review
 * would flag. The reports' CSP forbids scripts, so axe is evaluated over the
 * DevTools protocol, which a page's CSP does not govern.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding { id: string; impact: string; help: string; targets: string[] }

/** Every violation axe finds on the page. */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(AXE);
  return await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact || '', help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  })))`) as AxeFinding[];
}

/** What the reports must never have: a serious or critical violation, or any landmark or region finding. */
export const blocking = (f: AxeFinding): boolean =>
  f.impact === 'serious' || f.impact === 'critical' || f.id.startsWith('landmark-') || f.id === 'region';

/** The blocking findings, one line each (for an assertion that shows what to fix). */
export async function axeBlocking(page: Page): Promise<string[]> {
  return (await axeViolations(page)).filter(blocking).map((f) => `${f.id} (${f.impact}): ${f.help} at ${f.targets.join(', ')}`);
}
