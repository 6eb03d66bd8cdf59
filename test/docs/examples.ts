/**
 * The runnable examples of the docs: every ```sh block is a list of commands,
 * each with the exit code its page states (`# exit 99` after the command; 0
 * when the page states none). Rewritten to run from a clone against a
 * reference API the test starts: `npx golive` / `golive` / `npm run
 * golive-check --` / `npm run demo` become the built CLI, every `--target` the
 * test's API, and the token is the test's.
 */
export interface Example { command: string; exit: number; source: string }

const EXIT = /#\s*exit\s+(\d+)\s*$/;

/** Commands of one sh block: continuation lines joined, comment lines dropped. */
export function examplesOf(body: string, source: string): Example[] {
  const joined = body.replace(/[ \t]*\\\n\s*/g, ' ');
  const out: Example[] = [];
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exit = EXIT.exec(line);
    const command = line.replace(/\s+#.*$/, '').trim();
    out.push({ command, exit: exit ? Number(exit[1]) : 0, source });
  }
  return out;
}

/**
 * The command as the test runs it: the built CLI, the test's target and token,
 * and a path into the clone's `examples/` made absolute (commands run in a scratch directory).
 */
export function rewrite(command: string, target: string, root?: string): string {
  const cloned = root === undefined ? command : command.replace(/(^|\s)examples\//g, `$1${root}/examples/`);
  return cloned
    .replace(/\bGOLIVE_TOKEN=\S+\s+/g, '')
    .replace(/\bnpm run golive-check --(?=\s)/g, 'golive check')
    .replace(/\bnpm run golive-check\b/g, 'golive check')
    .replace(/\bnpm run demo\b/g, 'golive demo')
    .replace(/\bnpx golive\b/g, 'golive')
    .replace(/--target(=|\s+)\S+/g, `--target$1${target}`);
}
