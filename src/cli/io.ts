/** What a command gets from the outside world; passed in so tests need no globals. */
import type { Clock } from '../core/clock.js';

export type OutStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  clock: Clock;
  /** aborted on SIGINT/SIGTERM; its reason names the signal */
  signal: AbortSignal;
}

export { VERSION } from '../core/version.js';

/** Colour only on a terminal, unless --no-color or NO_COLOR says otherwise. */
export function useColor(noColorFlag: boolean, io: Pick<CliIO, 'stdout' | 'env'>): boolean {
  return !noColorFlag && io.stdout.isTTY === true && !io.env.NO_COLOR;
}
