/**
 * Every command's errors become their exit code HERE, in one place: a command
 * returns an EXIT value or throws (a GoliveError with its stable code), and
 * this prints the one line and maps it. main.ts only sets process.exitCode.
 */
import { describeError, exitCodeFor } from '../core/errors.js';
import type { CliIO } from './io.js';

export type Command = (argv: readonly string[], io: CliIO) => Promise<number>;

export async function runCommand(command: Command, argv: readonly string[], io: CliIO): Promise<number> {
  try {
    return await command(argv, io);
  } catch (err) {
    io.stderr.write(`${describeError(err)}\n`);
    return exitCodeFor(err);
  }
}
