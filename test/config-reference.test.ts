/**
 * docs/configuration.md's reference part is generated from the plan schema,
 * the flag table and the environment variables: it fails here when the
 * checked-in page is stale (`node scripts/config-docs.mjs` rewrites it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigReference, withReference } from '../src/config/reference-doc.js';
import { schemaEntries } from '../src/contract/schema-walk.js';
import { planSchema } from '../src/contract/plan.js';
import { KNOWN_ENV_VARS } from '../src/config/env.js';
import { ROOT } from './support/processes.js';

const page = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');

describe('docs/configuration.md', () => {
  it('is what scripts/config-docs.mjs generates (run it after changing the schema, a flag or an env var)', () => {
    expect(withReference(page)).toBe(page);
  });

  it('lists every key of the schema, every flag and every GOLIVE_* variable golive knows', () => {
    const ref = renderConfigReference();
    for (const e of schemaEntries(planSchema)) expect(ref, e.path).toContain(`\`${e.path}`);
    for (const v of KNOWN_ENV_VARS.filter((x) => !x.endsWith('_FILE'))) expect(ref, v).toContain(`\`${v}\``);
    expect(ref).toContain('--print-config');
  });
});
