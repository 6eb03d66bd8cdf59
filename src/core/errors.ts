import { safeLine } from './sanitize.js';
import { redactUrls } from './redact.js';

/**
 * Typed errors with stable codes. Every failure that reaches the user is one of
 * these; `exitCodeFor` is the single place that maps them to process exit codes.
 */
export type ErrorCode =
  | 'GOLIVE_INVALID_CONFIG'
  | 'GOLIVE_USAGE'
  | 'GOLIVE_MISSING_TARGET'
  | 'GOLIVE_MISSING_TOKEN'
  | 'GOLIVE_ABORTED'
  | 'GOLIVE_ENGINE_ERROR'
  | 'GOLIVE_K6_NOT_FOUND'
  | 'GOLIVE_DELIVERY_FAILED'
  | 'GOLIVE_K8S_ERROR';

export class GoliveError extends Error {
  readonly code: ErrorCode;
  /** several problems found at once (e.g. a config's), one terminal line each; `message` joins them */
  readonly lines?: readonly string[];
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; lines?: readonly string[] }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.name = 'GoliveError';
    if (options?.lines !== undefined && options.lines.length > 0) this.lines = options.lines;
  }
}

/** Lines of one error shown before "... and N more": a config with 500 typos is not 500 lines. */
export const MAX_ERROR_LINES = 30;

/** Exit codes follow k6 where k6 has one (see README "Exit codes"). */
export const EXIT = {
  passed: 0,
  thresholdsFailed: 99,
  invalidConfig: 104,
  aborted: 105,
  engineError: 107,
  deliveryFailed: 108,
  k8sError: 109,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function exitCodeFor(err: unknown): ExitCode {
  if (!(err instanceof GoliveError)) return EXIT.engineError;
  switch (err.code) {
    case 'GOLIVE_INVALID_CONFIG':
    case 'GOLIVE_USAGE':
    case 'GOLIVE_MISSING_TARGET':
    case 'GOLIVE_MISSING_TOKEN':
      return EXIT.invalidConfig;
    case 'GOLIVE_ABORTED':
      return EXIT.aborted;
    case 'GOLIVE_DELIVERY_FAILED':
      return EXIT.deliveryFailed;
    case 'GOLIVE_K8S_ERROR':
      return EXIT.k8sError;
    case 'GOLIVE_ENGINE_ERROR':
    case 'GOLIVE_K6_NOT_FOUND':
      return EXIT.engineError;
  }
}

/** The first line of an error's message (or of its text): causes go into one-line errors. */
export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

/** One line, no stack, no URL credential: what the user sees for any error. */
export function describeError(err: unknown): string {
  if (err instanceof GoliveError && err.lines !== undefined) {
    const shown = err.lines.slice(0, MAX_ERROR_LINES).map((l) => safeLine(redactUrls(`golive: ${l}`), 1000));
    const more = err.lines.length - shown.length;
    return [...shown, ...(more > 0 ? [`golive: ... and ${more} more`] : [])].join('\n');
  }
  if (err instanceof GoliveError) return safeLine(redactUrls(`golive: ${err.message}`.split('\n')[0] ?? 'golive: error'), 1000);
  const msg = err instanceof Error ? err.message : String(err);
  return safeLine(redactUrls(`golive: internal error: ${msg}`.split('\n')[0] ?? 'golive: internal error'), 1000);
}
