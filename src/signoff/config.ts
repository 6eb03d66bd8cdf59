/**
 * The `signoff` key of a golive config file, validated with the schema the
 * Plan uses too (src/contract/signoff-schema.ts); a problem is one 104 line.
 */
import { signoffSchema, type SignoffConfig } from '../contract/signoff-schema.js';
import { GoliveError } from '../core/errors.js';

export const SIGN_OFF_ROLES = ['Launch Manager', 'DevOps Engineer', 'Platform Engineer', 'Security Engineer'] as const;

export function parseSignoffConfig(raw: unknown, file: string): SignoffConfig {
  const r = signoffSchema.strict().safeParse(raw ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = ['signoff', ...(issue?.path ?? [])].join('.');
  throw new GoliveError('GOLIVE_INVALID_CONFIG', `config file ${file}: ${path}: ${issue?.message ?? 'invalid'}`);
}
