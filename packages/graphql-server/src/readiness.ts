import type { ServerResponse } from 'node:http';

let stopping = false;

/** Called once the process starts shutting down: from then on it answers /ready with 503. */
export function markStopping(): void {
  stopping = true;
}

/** True once the process started shutting down. */
export const isShuttingDown = (): boolean => stopping;

/**
 * A process's own dependencies, by name (`postgres`, `elasticsearch`, `kafka:<group>`): each
 * check resolves when that dependency can serve now and throws when it cannot.
 */
export type ReadinessChecks = Readonly<Record<string, () => Promise<unknown>>>;

/** What GET /ready answers: 200 with every check `ok`, else 503 saying which failed. */
export interface Readiness {
  ready: boolean;
  status: 'ready' | 'unavailable' | 'stopping';
  checks: Record<string, string>;
}

/** A check that has not answered within this counts as failed: a probe must not hang. */
const CHECK_TIMEOUT_MS = 2000;

async function runCheck(check: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      check().then(
        () => 'ok',
        // The reason's class only: a probe is unauthenticated and must not show addresses.
        (error: unknown) => (error instanceof Error ? error.name : 'failed'),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every check at once. A process that is shutting down is not ready whatever its
 * dependencies say, so a load balancer stops sending it work while in-flight work drains.
 */
export async function checkReadiness(checks: ReadinessChecks = {}, timeoutMs = CHECK_TIMEOUT_MS): Promise<Readiness> {
  if (isShuttingDown()) return { ready: false, status: 'stopping', checks: {} };
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const),
  );
  const ready = results.every(([, result]) => result === 'ok');
  return { ready, status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(results) };
}

/** Answers a readiness probe: 200 when ready, 503 otherwise, with the checks either way. */
export async function answerReadiness(res: ServerResponse, checks: ReadinessChecks | undefined): Promise<void> {
  const readiness = await checkReadiness(checks);
  res
    .writeHead(readiness.ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify({ status: readiness.status, checks: readiness.checks }));
}
