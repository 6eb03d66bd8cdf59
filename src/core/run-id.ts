/**
 * Run ids: one format everywhere (a check, a Kubernetes run, its Job name).
 */
import { randomBytes } from 'node:crypto';

/** e.g. `20250901-120000-3fa2`: sortable, unique, short enough for every name it ends up in. */
export function newRunId(now: Date = new Date(), suffix: string = randomBytes(2).toString('hex')): string {
  const iso = now.toISOString().replace(/[-:]/g, '');
  return `${iso.slice(0, 8)}-${iso.slice(9, 15)}-${suffix}`.toLowerCase();
}
