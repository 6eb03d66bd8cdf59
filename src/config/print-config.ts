/**
 * Pure: the merged, validated plan as `--print-config` prints it (JSON), so a
 * user sees what golive will actually run. Credentials are masked wherever
 * they sit: the token, Prometheus' user, password and bearer token, and any
 * credential inside a URL.
 */
import type { Plan } from '../contract/plan.js';
import { MASK, redactUrls } from '../core/redact.js';

/** Keys whose values are credentials, at any depth. */
const SECRET_KEYS = new Set(['token', 'username', 'password', 'bearerToken']);

function redact(key: string, value: unknown): unknown {
  if (SECRET_KEYS.has(key) && value !== undefined && value !== null && value !== '') return MASK;
  return typeof value === 'string' ? redactUrls(value) : value;
}

export function renderPrintConfig(plan: Plan, configFile: string | undefined): string {
  const doc = { configFile: configFile ?? null, plan };
  return `${JSON.stringify(doc, redact, 2)}\n`;
}
