/**
 * The contract for the k6 bundle, made in Node before k6 starts: the
 * operation table and each documented response schema compiled by ajv to
 * standalone code with the very options the node engine validates with
 * (CONTRACT_SCHEMA_OPTIONS), one source per distinct schema.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemaSource } from '../../checks/declared/json-schema.js';
import type { K6ContractFile } from '../contract/k6-contract.js';
import { GoliveError } from '../core/errors.js';
import type { Contract } from './contract.js';
import { CONTRACT_SCHEMA_OPTIONS } from './schema.js';
import type { BodyValidator } from './table.js';

export function portableContract(contract: Contract): K6ContractFile {
  const sources: string[] = [];
  const index = new Map<BodyValidator, number>();
  const sourceOf = (op: string, key: string, type: string, fn: BodyValidator): number => {
    const hit = index.get(fn);
    if (hit !== undefined) return hit;
    const schema = contract.schemaOf(fn);
    const src = schema === undefined ? undefined : jsonSchemaSource(schema, CONTRACT_SCHEMA_OPTIONS);
    // The node engine compiled this very schema already: failing here is golive's own fault.
    if (src === undefined || !src.ok) {
      throw new GoliveError('GOLIVE_ENGINE_ERROR', `openapi: could not generate the k6 validator of ${op} response ${key} (${type})${src && !src.ok ? `: ${src.error}` : ''}`);
    }
    sources.push(src.source);
    index.set(fn, sources.length - 1);
    return sources.length - 1;
  };
  const operations = contract.operations.map((op) => ({
    method: op.method,
    template: op.template,
    responses: [...contract.responsesOf(op).values()].map((r) => ({
      key: r.key,
      requiredHeaders: [...r.requiredHeaders],
      content: [...r.content.entries()].map(([type, fn]) => (fn === undefined ? { type } : { type, validator: sourceOf(op.key, r.key, type, fn) })),
    })),
  }));
  return { table: { location: contract.document.location, bases: [...contract.basePaths()], operations }, sources };
}

/** Into `dir`, for k6's open(): a real contract's code outgrows what one environment variable may hold. */
export function writePortableContract(contract: Contract, dir: string): string {
  const path = join(dir, 'openapi-contract.json');
  writeFileSync(path, JSON.stringify(portableContract(contract)));
  return path;
}
