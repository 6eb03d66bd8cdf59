/**
 * The mechanism behind every command's flags: ONE declarative table of
 * `{flag, path | cli, parse, help}` entries generates the parseArgs options,
 * the config path -> flag map that validation errors use, the parsed values
 * and the help text. Adding a flag is adding one entry to its group.
 */
import { parseArgs } from 'node:util';
import { firstLine } from '../core/errors.js';
import { closestName } from '../core/nearest.js';


export interface FlagSpec {
  /** the long name, without dashes */
  flag: string;
  /** boolean flags take no value; default string */
  type?: 'string' | 'boolean';
  /** repeatable: the parser gets every value */
  multiple?: boolean;
  short?: string;
  /** the config path the value lands at, e.g. `load.workload.requests` */
  path?: string;
  /** or: the key of the command's own options (flags that are not plan fields) */
  cli?: string;
  /** text -> value; default the text as given (or true for a boolean) */
  parse?: (value: never, flag: string) => unknown;
  /** more config paths whose validation errors this flag answers for */
  alsoPaths?: readonly string[];
  /** the value's placeholder in the help, e.g. `N` */
  value?: string;
  /** help lines; absent for a flag that is refused or hidden */
  help?: string;
}

export interface FlagGroup {
  /** heading in the help text */
  title: string;
  flags: readonly FlagSpec[];
  /**
   * Rules across this group's flags (conflicts, derived values), run after
   * every entry has been parsed. `given` holds the raw texts by flag name.
   */
  finish?: (raw: Record<string, unknown>, given: Readonly<Record<string, unknown>>) => void;
}

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

export function optionsOf(groups: readonly FlagGroup[]): ParseArgsOptions {
  const out: ParseArgsOptions = {};
  for (const g of groups) {
    for (const f of g.flags) {
      out[f.flag] = { type: f.type ?? 'string', ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) };
    }
  }
  return out;
}

/** The `cli` keys of a table's flags. */
export function cliKeys(groups: readonly FlagGroup[]): Set<string> {
  return new Set(groups.flatMap((g) => g.flags.flatMap((f) => (f.cli ? [f.cli] : []))));
}

/** Which flag sets a config path, so validation errors can name the flag. */
export function flagForPath(groups: readonly FlagGroup[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const g of groups) {
    for (const f of g.flags) for (const p of [...(f.path ? [f.path] : []), ...(f.alsoPaths ?? [])]) out[p] ??= `--${f.flag}`;
  }
  return out;
}

/** Sets `raw.a.b.c = v`, creating the objects on the way. */
export function setPath(raw: Record<string, unknown>, path: string, v: unknown): void {
  if (v === undefined) return;
  const keys = path.split('.');
  let o = raw;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys[keys.length - 1] as string] = v;
}

/** node:util parseArgs' error, in our words: one line naming the flag (and, given the known flags, the nearest one). */
export function parseArgsMessage(err: unknown, known: readonly string[] = []): string {
  return firstLine(err)
    .replace(/^Unknown option '(.*?)'.*$/, (_m, flag: string) => {
      const near = closestName(flag.replace(/^-+/, ''), known);
      return `unknown flag ${flag}${near !== undefined ? `, did you mean --${near}?` : ''}`;
    })
    .replace(/^Option '(.*?)' argument is ambiguous.*$/, "$1: the value starts with '-'; write $1=VALUE")
    .replace(/^Option '(.*?)(?: <value>)?' argument missing.*$/, '$1: expected a value');
}

export interface ParsedFlags {
  /** plan fields, by config path */
  raw: Record<string, unknown>;
  /** the command's own options, by `cli` key */
  cli: Record<string, unknown>;
}

/**
 * argv -> plan fields and command options, by the table. Throws what parseArgs
 * or an entry's parser throws; `usage` words parseArgs' own errors.
 */
export function parseWithTable(groups: readonly FlagGroup[], argv: readonly string[], usage: (msg: string) => Error): ParsedFlags {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: optionsOf(groups), strict: true, allowPositionals: false }));
  } catch (err) {
    throw usage(parseArgsMessage(err, Object.keys(optionsOf(groups))));
  }
  const raw: Record<string, unknown> = {};
  const cli: Record<string, unknown> = {};
  for (const g of groups) {
    for (const f of g.flags) {
      const given = values[f.flag];
      if (given === undefined) continue;
      const v = f.parse ? (f.parse as (x: unknown, flag: string) => unknown)(given, `--${f.flag}`) : given;
      if (f.path) setPath(raw, f.path, v);
      else if (f.cli) cli[f.cli] = v;
    }
    g.finish?.(raw, values);
  }
  return { raw, cli };
}

const HELP_COLUMN = 28;

/** The flags' help, one heading per group, the descriptions in one column. */
export function renderFlagHelp(groups: readonly FlagGroup[]): string {
  const lines: string[] = [];
  for (const g of groups) {
    const shown = g.flags.filter((f) => f.help !== undefined);
    if (shown.length === 0) continue;
    lines.push(`${g.title}:`);
    for (const f of shown) {
      const name = `  --${f.flag}${f.value ? ` ${f.value}` : ''}`;
      const [first = '', ...more] = (f.help ?? '').split('\n');
      lines.push(name.length < HELP_COLUMN ? `${name.padEnd(HELP_COLUMN)}${first}` : `${name}  ${first}`);
      for (const m of more) lines.push(`${' '.repeat(HELP_COLUMN)}${m}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
