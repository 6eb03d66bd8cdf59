/**
 * `--notify slack|webhook|pagerduty` and `--notify-on`: which channels, and
 * their secrets from the environment (VAR or VAR_FILE, never a flag: a flag
 * lands in shell history and in `ps`). Everything is checked before the run,
 * so a missing secret is one 104 line naming the variable, not a lost alert.
 */
import { readFileSync } from 'node:fs';
import { GoliveError, firstLine } from '../core/errors.js';

export type NotifyOn = 'always' | 'change' | 'failure';

export type Channel =
  | { kind: 'slack'; url: string }
  | { kind: 'webhook'; url: string; template?: unknown }
  | { kind: 'pagerduty'; url: string; routingKey: string };

export interface NotifyConfig {
  channels: Channel[];
  on: NotifyOn;
}

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
const KINDS = ['slack', 'webhook', 'pagerduty'] as const;
const ON: readonly NotifyOn[] = ['always', 'change', 'failure'];

type Env = Readonly<Record<string, string | undefined>>;
type ReadFile = (path: string) => string;

const usage = (msg: string) => new GoliveError('GOLIVE_USAGE', msg);

/** VAR, or the contents of the file VAR_FILE names (trimmed); the value is never echoed. */
export function secretFromEnv(env: Env, name: string, read: ReadFile): string | undefined {
  const direct = env[name];
  if (direct !== undefined && direct.trim() !== '') return direct.trim();
  const file = env[`${name}_FILE`];
  if (file === undefined || file.trim() === '') return undefined;
  let text: string;
  try {
    text = read(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw usage(`${name}_FILE: cannot read ${file}: ${code ?? firstLine(err)}`);
  }
  if (text.trim() === '') throw usage(`${name}_FILE: ${file} is empty`);
  return text.trim();
}

function httpUrl(name: string, value: string): string {
  let u: URL | undefined;
  try { u = new URL(value); } catch { u = undefined; }
  // The value may be the secret itself: say what is wrong, never what it is.
  if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:')) throw usage(`${name}: expected an http(s) URL`);
  return u.toString();
}

function required(env: Env, name: string, kind: string, read: ReadFile): string {
  const v = secretFromEnv(env, name, read);
  if (v === undefined) throw usage(`--notify ${kind}: set ${name} or ${name}_FILE`);
  return v;
}

function template(env: Env, read: ReadFile): unknown {
  const text = secretFromEnv(env, 'GOLIVE_WEBHOOK_TEMPLATE', read);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw usage(`GOLIVE_WEBHOOK_TEMPLATE: expected a JSON template: ${firstLine(err)}`);
  }
}

/** The channel names and --notify-on alone (no secrets): what `golive k8s` renders into a pod's args. */
export function checkNotifyFlags(kinds: readonly string[] | undefined, on: string | undefined): { kinds: Channel['kind'][]; on: NotifyOn } | undefined {
  if (on !== undefined && !ON.includes(on as NotifyOn)) throw usage(`--notify-on: expected always, change or failure, got "${on}"`);
  if (!kinds || kinds.length === 0) {
    if (on !== undefined) throw usage('--notify-on: needs --notify slack|webhook|pagerduty');
    return undefined;
  }
  for (const k of kinds) if (!KINDS.includes(k as (typeof KINDS)[number])) throw usage(`--notify: expected slack, webhook or pagerduty, got "${k}"`);
  return { kinds: [...new Set(kinds)] as Channel['kind'][], on: (on as NotifyOn | undefined) ?? 'failure' };
}

export function resolveNotify(kinds: readonly string[] | undefined, on: string | undefined, env: Env, read: ReadFile = (p) => readFileSync(p, 'utf8')): NotifyConfig | undefined {
  const wanted = checkNotifyFlags(kinds, on);
  if (!wanted) return undefined;
  const channels: Channel[] = [];
  for (const k of wanted.kinds) {
    if (k === 'slack') channels.push({ kind: 'slack', url: httpUrl('GOLIVE_SLACK_WEBHOOK_URL', required(env, 'GOLIVE_SLACK_WEBHOOK_URL', k, read)) });
    if (k === 'webhook') {
      const t = template(env, read);
      channels.push({ kind: 'webhook', url: httpUrl('GOLIVE_WEBHOOK_URL', required(env, 'GOLIVE_WEBHOOK_URL', k, read)), ...(t !== undefined ? { template: t } : {}) });
    }
    if (k === 'pagerduty') {
      const url = env.GOLIVE_PAGERDUTY_URL?.trim() ? httpUrl('GOLIVE_PAGERDUTY_URL', env.GOLIVE_PAGERDUTY_URL.trim()) : PAGERDUTY_EVENTS_URL;
      channels.push({ kind: 'pagerduty', url, routingKey: required(env, 'GOLIVE_PAGERDUTY_ROUTING_KEY', k, read) });
    }
  }
  return { channels, on: wanted.on };
}
