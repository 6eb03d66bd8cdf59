// describe() for the real-node files: on a machine that truly cannot host a node (see
// realNodeUnavailable) the suite is skipped with the reason in its title, never silently.
import { describe } from 'vitest';
import { realNodeUnavailable } from '../../../support/real-node.js';

export function describeRealNode(title: string, fn: () => void): void {
  const why = realNodeUnavailable();
  if (why) describe.skip(`${title} [skipped: ${why}]`, fn);
  else describe(title, fn);
}
