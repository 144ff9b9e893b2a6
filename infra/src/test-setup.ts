/**
 * Vitest global setup for the integration and e2e layers: brings the local stack up (a
 * no-op when it already runs), so a single test file can be run on its own as well.
 */
import { up } from './stack.ts';

export default async function setup(): Promise<void> {
  await up(() => undefined);
}
