import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
import { repoRoot } from '../infra/src/config.ts';
import { waitFor } from '../infra/src/process.ts';

/** Stops or starts a platform process (`order-worker`) or an engine (`connect`) of the running e2e platform. */
export async function control(kind: 'services' | 'components', name: string, action: 'stop' | 'start'): Promise<void> {
  const response = await fetch(`${inject('controlUrl')}/${kind}/${name}/${action}`, { method: 'POST' });
  if (!response.ok) throw new Error(`${action} ${name}: ${response.status} ${await response.text()}`);
}

/** A platform process a test started beside the running platform (a second router, a broken subgraph). */
export interface ExtraProcess {
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** Starts `entry` (a path from the repository root) quietly, with the test's environment on top of the runner's. */
export function startProcess(entry: string, env: Record<string, string>): ExtraProcess {
  const child = spawn(process.execPath, [join(repoRoot, entry)], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  return { child, exited };
}

/**
 * A router of the test's own on `port` (loopback), signing with the running platform's key
 * unless `env` says otherwise; resolves once it answers its health check.
 */
export async function startRouter(port: number, env: Record<string, string> = {}): Promise<ExtraProcess> {
  const router = startProcess('router/src/index.ts', {
    ROUTER_PORT: String(port),
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PRIVATE_KEY: inject('platformSecrets').routerPrivateKey,
    ...env,
  });
  const healthy = await waitFor(
    async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok ?? false,
    { timeoutMs: 30_000 },
  );
  if (!healthy) {
    router.child.kill('SIGKILL');
    throw new Error(`the test's router on port ${port} did not start`);
  }
  return router;
}
