/**
 * A stand-in `k6` executable, only for what a real k6 cannot be made to do on
 * demand (the real k6 runs everything else: test/support/k6.ts): report the
 * argv and environment it was given, exit with any code or crash, write a
 * canned or corrupt summary, split a log line across two writes. This small
 * Node script is placed on PATH (or named by K6_BINARY): it records how it was started, writes a canned
 * k6-style summary where handleSummary() would, and exits with the k6 exit
 * code the test asks for. It does not run the script; test/k6-scenarios.test.ts
 * covers the script logic.
 *
 * Controlled through FAKE_K6_* variables (the adapter passes the environment
 * on, minus GOLIVE_* and K6_*):
 *   FAKE_K6_RECORD   file to write {argv, env, scriptHasK6Imports, signal} to
 *   FAKE_K6_SUMMARY  file with the summary JSON to copy to $GOLIVE_SUMMARY
 *   FAKE_K6_EXIT     exit code (default 0)
 *   FAKE_K6_STDERR   a line to print on stderr before exiting
 *   FAKE_K6_STDERR_SPLIT  "1": print that line in two writes 100 ms apart,
 *                    split in the middle of its message (a slow writer)
 *   FAKE_K6_WAIT     "1": write FAKE_K6_RECORD, then wait for SIGINT, then
 *                    write the summary and exit 105 (as k6 does)
 *   FAKE_K6_VERSION  what `k6 version` prints (default a k6 v1.1.0 line)
 *   FAKE_K6_STREAM   file whose bytes go to stdout (k6's --out json=- sample stream)
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FAKE_SOURCE = String.raw`
const fs = require('node:fs');
const env = process.env;
if (process.argv[2] === 'version') {
  process.stdout.write((env.FAKE_K6_VERSION ?? 'k6 v1.1.0 (commit/0e3fb953be, go1.24.4, linux/amd64)') + '\n');
  process.exit(0);
}
const script = process.argv[process.argv.length - 1];
const interesting = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('GOLIVE_') || k.startsWith('K6_') || k === 'SSL_CERT_FILE'));
const text = fs.existsSync(script) ? fs.readFileSync(script, 'utf8') : '';
const record = (extra) => fs.writeFileSync(env.FAKE_K6_RECORD, JSON.stringify({
  argv: process.argv.slice(2), env: interesting, scriptHasK6Imports: /from "k6\/http"/.test(text) && !/from "node:/.test(text), ...extra,
}));
const finish = (code) => {
  if (env.FAKE_K6_STREAM) fs.writeSync(1, fs.readFileSync(env.FAKE_K6_STREAM));
  if (env.FAKE_K6_SUMMARY && env.GOLIVE_SUMMARY) fs.copyFileSync(env.FAKE_K6_SUMMARY, env.GOLIVE_SUMMARY);
  if (env.FAKE_K6_STDERR) {
    const line = 'time="2025-09-01T00:00:00Z" level=error msg="' + env.FAKE_K6_STDERR + '"\n';
    if (env.FAKE_K6_STDERR_SPLIT === '1') {
      const cut = line.length - 8;
      fs.writeSync(2, line.slice(0, cut));
      setTimeout(() => { fs.writeSync(2, line.slice(cut)); process.exit(code); }, 100);
      return;
    }
    process.stderr.write(line);
  }
  process.exit(code);
};
if (env.FAKE_K6_WAIT === '1') {
  process.on('SIGINT', () => { record({ signal: 'SIGINT' }); finish(105); });
  record({ waiting: true });
  setInterval(() => {}, 1000);
} else {
  record({});
  finish(Number(env.FAKE_K6_EXIT || 0));
}
`;

/** Writes the fake as `<dir>/k6` (executable, shebang = this Node) and returns the dir. */
export function installFakeK6(): string {
  const dir = mkdtempSync(join(tmpdir(), 'golive-fake-k6-'));
  const file = join(dir, 'k6');
  writeFileSync(file, `#!${process.execPath}\n${FAKE_SOURCE}`);
  chmodSync(file, 0o755);
  return dir;
}
