/**
 * k6's default expected_response (200-399), its one home, on its own: the
 * load hot path (src/net/sample-recorder.ts, and every --workers thread that
 * loads it) needs this one line, not the declared-check evaluator's schema
 * and JSONPath libraries, which cost each worker thread's heap megabytes.
 */

/** k6's default expected_response (200-399): a request no status assertion speaks for, in both engines. */
export const defaultExpected = (status: number): boolean => status >= 200 && status < 400;
