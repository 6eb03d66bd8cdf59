/**
 * Where the contract comes from: `openapi.url` (a path on the target, or a
 * URL) fetched with the run's request timeout and a cap on its size, or
 * `openapi.file` read with the same cap. Called before the first phase, so a
 * contract that cannot be read or parsed is exit 104 before any request.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Clock } from '../core/clock.js';
import { GoliveError } from '../core/errors.js';
import { redactUrls } from '../core/redact.js';
import type { OpenApiSource } from '../contract/plan.js';
import { HttpClient } from '../net/http.js';
import { parseOpenApi, type OpenApiDocument } from './document.js';

/** A contract larger than this is refused: FastAPI documents of hundreds of routes are ~1 MiB. */
export const MAX_OPENAPI_BYTES = 16 * 1024 * 1024;

export interface LoadDeps {
  target: string;
  timeoutMs: number;
  cwd: string;
  clock: Clock;
  signal: AbortSignal;
  ca?: string;
  maxBytes?: number;
}

const refuse = (where: string, why: string) => new GoliveError('GOLIVE_INVALID_CONFIG', `openapi (${where}): ${why}`);

async function fetchText(url: string, deps: LoadDeps, maxBytes: number): Promise<string> {
  const where = `openapi.url ${redactUrls(url)}`;
  const http = new HttpClient({
    origin: deps.target, timeoutMs: deps.timeoutMs, maxBodyBytes: maxBytes, clock: deps.clock, signal: deps.signal,
    ...(deps.ca ? { ca: deps.ca } : {}),
  });
  try {
    const out = await http.call({ method: 'GET', path: url, headers: { accept: 'application/json, application/yaml;q=0.9' } });
    if (out.kind === 'aborted') throw new GoliveError('GOLIVE_ABORTED', `aborted while fetching ${where}`);
    if (out.kind !== 'response') throw refuse(where, `could not be fetched: ${out.error}`);
    if (out.bodyError !== undefined) throw refuse(where, out.bodyError);
    if (out.status !== 200) throw refuse(where, `expected 200, got ${out.status}${out.location ? ` (to ${redactUrls(out.location)})` : ''}`);
    return out.text;
  } finally {
    await http.close();
  }
}

async function readText(file: string, cwd: string, maxBytes: number): Promise<string> {
  const path = resolve(cwd, file);
  try {
    const st = await stat(path);
    if (st.size > maxBytes) throw refuse(`openapi.file ${file}`, `larger than ${maxBytes} bytes`);
    return await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof GoliveError) throw err;
    throw refuse(`openapi.file ${file}`, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export async function loadOpenApi(source: OpenApiSource, deps: LoadDeps): Promise<OpenApiDocument> {
  const maxBytes = deps.maxBytes ?? MAX_OPENAPI_BYTES;
  if ('url' in source) {
    const url = new URL(source.url, deps.target).toString();
    return parseOpenApi(await fetchText(url, deps, maxBytes), `openapi.url ${redactUrls(url)}`);
  }
  return parseOpenApi(await readText(source.file, deps.cwd, maxBytes), `openapi.file ${source.file}`);
}
