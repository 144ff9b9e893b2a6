import { randomBytes } from 'node:crypto';
import { loadConfig, readStackEndpoints, type StackEndpoints } from '@emporium/config';

/** The engines the tests run against: the local stack, or external ones set by environment. */
export function stackEndpoints(): StackEndpoints {
  return loadConfig(readStackEndpoints);
}

/** A name no other test run uses, so tests share the stack without seeing each other's data. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/**
 * Retries `probe` until it returns a value other than undefined: for effects that travel
 * through an asynchronous pipeline (CDC, consumers) and arrive within a bound, not at once.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 20_000, intervalMs = 200, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const reason = lastError instanceof Error ? `: last error ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
}
