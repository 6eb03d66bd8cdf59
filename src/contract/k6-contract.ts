/**
 * The API's contract as the k6 bundle receives it: the operation table
 * (method, path template, documented statuses, media types, required
 * headers), the server base paths, and every response schema as ajv
 * standalone code compiled in Node (k6's runtime never compiles a schema).
 * golive writes it to a file named by GOLIVE_CONTRACT (a real contract's
 * code is far over what one environment variable may hold); the script reads
 * it once with k6's open() into a SharedArray, so VUs share one copy and load
 * a validator only when they first need it. Runtime-neutral (zod only).
 */
import { z } from 'zod';

export const K6_CONTRACT_ENV = 'GOLIVE_CONTRACT';

export const k6ContractTableSchema = z.object({
  /** where the document came from, for messages */
  location: z.string(),
  bases: z.array(z.string()),
  operations: z.array(z.object({
    method: z.string(),
    template: z.string(),
    responses: z.array(z.object({
      key: z.string(),
      requiredHeaders: z.array(z.string()),
      /** `validator`: index into the sources; absent when the media type has no JSON schema */
      content: z.array(z.object({ type: z.string(), validator: z.number().int().nonnegative().optional() })),
    })),
  })),
});
export type K6ContractTable = z.infer<typeof k6ContractTableSchema>;

/** The file's JSON: the table, and the validators' sources it indexes. */
export interface K6ContractFile {
  table: K6ContractTable;
  sources: string[];
}

/**
 * What k6 reports of the contract beyond `checks` and `openapi_conformance`,
 * as samples golive reads from k6's stream (sample-stream.ts) and never
 * stores as metrics: the operations each VU exercised (once per VU), a failed
 * conformance check's reasons (the first few per check and VU), and the load
 * responses judged (tagged `capped` when the body was judged on status and headers only).
 */
export const K6_CONTRACT_METRICS = {
  exercised: 'golive_openapi_exercised',
  finding: 'golive_openapi_finding',
  checked: 'golive_openapi_checked',
} as const;

/** Every n-th load response of each request of the mix, per VU, is judged under k6 (k6 has no CPU-time API for a budget). */
export const K6_LOAD_STRIDE = 10;
/** Body characters a judged load response keeps under k6, as the node engine's sampler (load-sampling.ts LOAD_CAPTURE_BYTES). */
export const K6_LOAD_CAPTURE_CHARS = 256 * 1024;
