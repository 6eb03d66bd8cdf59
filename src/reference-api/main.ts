/**
 * Standalone entry (bundled to dist/reference-api.js): start, print the URL line
 * that tests and scripts read, serve until SIGTERM/SIGINT, then close and exit 0.
 */
import { EXIT, GoliveError, exitCodeFor, firstLine } from '../core/errors.js';
import { describeLatency } from './faults.js';
import { REFERENCE_API_USAGE, parseReferenceApiArgs, wantsHelp } from './args.js';
import { startReferenceApi } from './server.js';

async function main(argv: string[]): Promise<void> {
  if (wantsHelp(argv)) {
    process.stdout.write(`${REFERENCE_API_USAGE}\n`);
    return;
  }
  const opts = parseReferenceApiArgs(argv, process.env);
  let api;
  try {
    api = await startReferenceApi(opts);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      throw new GoliveError('GOLIVE_USAGE', `reference-api: --port/--host${opts.httpRedirectPort !== undefined ? '/--http-redirect-port' : ''}: cannot listen on ${opts.host ?? '127.0.0.1'}:${opts.port ?? 0} (${code})`);
    }
    if (opts.tls && /key|cert|PEM|asn1/i.test(String((err as Error).message))) {
      throw new GoliveError('GOLIVE_USAGE', `reference-api: --tls-cert/--tls-key: ${firstLine(err)}`);
    }
    throw err;
  }
  const faults = [
    opts.latency && opts.latency.kind !== 'none' ? `latency ${describeLatency(opts.latency)}` : '',
    opts.errorRate ? `error-rate ${opts.errorRate}` : '',
    opts.saturateRps ? `saturate ${opts.saturateRps}/s` : '',
    opts.down ? 'down' : '',
    opts.badSchema ? 'bad-schema' : '',
  ].filter(Boolean);
  process.stdout.write(`reference-api listening on ${api.url}\n`);
  if (api.redirectPort !== undefined) process.stdout.write(`reference-api redirecting http://${opts.host ?? '127.0.0.1'}:${api.redirectPort} to HTTPS\n`);
  if (faults.length > 0) process.stderr.write(`reference-api: faults: ${faults.join(', ')}\n`);

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await api.close();
}

main(process.argv.slice(2)).then(
  () => {
    process.exitCode = EXIT.passed;
  },
  (err: unknown) => {
    const text = err instanceof Error ? err.message : String(err);
    const msg = err instanceof GoliveError ? text : `reference-api: internal error: ${text}`;
    process.stderr.write(`${firstLine(msg)}\n`);
    process.exitCode = exitCodeFor(err);
  },
);
