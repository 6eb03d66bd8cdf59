/**
 * The contract for the k6 bundle, made in Node before k6 starts: the
 * operation table and each documented response schema as ajv's standalone
 * code of the very validator the node engine checks with (compiled once,
 * src/openapi/schema.ts), one source per distinct schema.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { K6ContractFile } from '../contract/k6-contract.js';
import { firstLine, GoliveError } from '../core/errors.js';
import type { Contract } from './contract.js';
import type { BodyValidator } from './table.js';

export function portableContract(contract: Contract): K6ContractFile {
  const sources: string[] = [];
  const index = new Map<BodyValidator, number>();
  const sourceOf = (op: string, key: string, type: string, fn: BodyValidator): number => {
    const hit = index.get(fn);
    if (hit !== undefined) return hit;
    let src: string | undefined;
    let cause = '';
    try {
      src = contract.sourceOf(fn);
    } catch (err) {
      cause = `: ${firstLine(err)}`;
    }
    // The node engine compiled this very schema already: failing here is golive's own fault.
    if (src === undefined) throw new GoliveError('GOLIVE_ENGINE_ERROR', `openapi: could not generate the k6 validator of ${op} response ${key} (${type})${cause}`);
    sources.push(src);
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
