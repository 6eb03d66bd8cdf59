/** Started by `npm run`, golive takes its parent's exit for the signal npm did not pass on (issue 12 item 4). */
import { describe, expect, it } from 'vitest';
import { watchParent } from '../src/cli/parent-watch.js';
import { waitFor } from './support/wait.js';

describe('watchParent', () => {
  it('under a package manager, a changed parent pid calls onGone once', async () => {
    let ppid = 100;
    let gone = 0;
    const stop = watchParent(() => { gone++; }, { env: { npm_lifecycle_event: 'golive-check' }, ppid: () => ppid, intervalMs: 5 });
    ppid = 1;
    await waitFor('onGone', async () => (gone > 0 ? true : undefined), 5_000, 5);
    ppid = 7;
    stop();
    expect(gone).toBe(1);
  });

  it('started any other way it does not watch (a shell job may outlive its shell on purpose)', () => {
    let asked = 0;
    const stop = watchParent(() => undefined, { env: {}, ppid: () => { asked++; return 1; } });
    stop();
    expect(asked).toBe(0);
  });
});
