import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { inject } from 'vitest';
import { repoRoot } from '../infra/src/config.ts';
import { waitFor } from '../infra/src/process.ts';
import { SUBGRAPHS, serviceUrl } from '../infra/src/services.ts';
import { LOCAL_HOST } from '@emporium/config';

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

/** Where the running platform serves a subgraph's GraphQL. */
export const subgraphUrl = (name: string): string => {
  const spec = SUBGRAPHS.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`no subgraph ${name}`);
  return serviceUrl(spec, '/graphql');
};

/** A proxy in front of a subgraph (a test's own router calls it) that records every GraphQL query and holds those `hold` picks. */
export interface HoldingProxy {
  url: string;
  /** The subgraph operations (query text) that reached the subgraph, in order. */
  readonly queries: string[];
  /** Held requests wait until `release`; later ones pass straight through. */
  hold(pick: (query: string) => boolean): void;
  release(): void;
  close(): Promise<void>;
}

const bodyOf = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

export async function holdingProxy(target: string): Promise<HoldingProxy> {
  const queries: string[] = [];
  let pick: ((query: string) => boolean) | undefined;
  let gate = Promise.withResolvers<undefined>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      const query = (JSON.parse(body) as { query?: string }).query ?? '';
      queries.push(query);
      if (pick?.(query)) await gate.promise;
      const headers = Object.entries(req.headers).flatMap(([name, value]): [string, string][] =>
        typeof value === 'string' && !HOP_BY_HOP.has(name) ? [[name, value]] : [],
      );
      const answer = await fetch(target, { method: req.method ?? 'POST', headers, body });
      // The subgraph's own headers go on (Cache-Control decides what the router may keep).
      const answerHeaders = [...answer.headers].filter(
        ([name]) => !HOP_BY_HOP.has(name) && name !== 'content-encoding',
      );
      res.writeHead(answer.status, Object.fromEntries(answerHeaders)).end(await answer.text());
    })().catch((error: unknown) => {
      res.writeHead(502).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, LOCAL_HOST, resolve));
  return {
    url: `http://${LOCAL_HOST}:${(server.address() as AddressInfo).port}/graphql`,
    queries,
    hold(next) {
      gate = Promise.withResolvers<undefined>();
      pick = next;
    },
    release() {
      pick = undefined;
      gate.resolve(undefined);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
