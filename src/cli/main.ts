/**
 * The golive CLI entry: dispatch to one command module, map any error to its
 * exit code in one place. The only file that ends the process.
 */
import { describeError, EXIT, exitCodeFor, GoliveError } from '../core/errors.js';
import { systemClock } from '../core/clock.js';
import { MAIN_HELP } from './help.js';
import { watchParent } from './parent-watch.js';
import { runCommand, type Command } from './run-command.js';
import { VERSION } from './io.js';


const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./check.js')).checkCommand,
  init: async () => (await import('./init.js')).initCommand,
  demo: async () => (await import('./demo.js')).demoCommand,
  report: async () => (await import('./report.js')).reportCommand,
  compare: async () => (await import('./compare.js')).compareCommand,
  k8s: async () => (await import('./k8s.js')).k8sCommand,
  signoff: async () => (await import('./signoff.js')).signoffCommand,
  slo: async () => (await import('./slo.js')).sloCommand,
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(MAIN_HELP);
    return cmd === undefined ? EXIT.invalidConfig : 0;
  }
  if (cmd === 'version' || cmd === '--version') {
    process.stdout.write(`golive ${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[cmd];
  if (!load) throw new GoliveError('GOLIVE_USAGE', `unknown command "${cmd}": expected one of ${Object.keys(COMMANDS).join(', ')} (see golive --help)`);

  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(EXIT.aborted); // a second Ctrl-C means now
    process.stderr.write(`\ngolive: ${sig} received, stopping and writing a partial report (again to quit now)\n`);
    controller.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  watchParent(() => {
    signals++;
    process.stderr.write('\ngolive: the package manager that started golive exited (killed?), stopping and writing a partial report\n');
    controller.abort('parent process exited');
  }, { env: process.env, ppid: () => process.ppid });
  // A reader that went away (npm killed, `| head`) must not turn into a crash: the reports are on disk.
  for (const s of [process.stdout, process.stderr]) s.on('error', () => undefined);
  const command = await load();
  return runCommand(command, rest, {
    stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(),
    clock: systemClock, signal: controller.signal,
  });
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`${describeError(err)}\n`);
    process.exitCode = exitCodeFor(err);
  },
);
