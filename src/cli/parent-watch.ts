/**
 * `kill -TERM` on `npm run golive-check` ends npm (and its shell) without
 * passing the signal on: golive would go on loading the target as an orphan
 * and write "passed" later. Started by a package manager's `run` (npm sets
 * npm_lifecycle_event, so do yarn and pnpm), golive treats its parent's exit
 * as the signal it never got. Started any other way it does not watch: a
 * shell's `golive check … &` may outlive its shell on purpose.
 */
export interface ParentWatchOptions {
  env: Readonly<Record<string, string | undefined>>;
  ppid: () => number;
  intervalMs?: number;
}

/** Calls onGone once when the parent that started us exits; returns a stop function. */
export function watchParent(onGone: () => void, opts: ParentWatchOptions): () => void {
  if (opts.env.npm_lifecycle_event === undefined) return () => undefined;
  const parent = opts.ppid();
  const timer = setInterval(() => {
    if (opts.ppid() === parent) return;
    clearInterval(timer);
    onGone();
  }, opts.intervalMs ?? 200);
  // Never what keeps golive running.
  timer.unref();
  return () => clearInterval(timer);
}
