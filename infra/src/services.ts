import { LOCAL_HOST } from '@emporium/config';

/**
 * The platform's own processes, as `npm start`, the e2e tests and the benchmarks run them.
 * Each listens on its own port and answers GET /health when ready.
 */
export interface ServiceSpec {
  name: string;
  /** Entry point relative to the repository root, run with the project's Node. */
  entry: string;
  port: number;
  /** Environment the process needs beyond the stack's endpoints. */
  env: Record<string, string>;
}

export const ROUTER_PORT = 4000;

export const SERVICES: readonly ServiceSpec[] = [
  { name: 'router', entry: 'router/src/index.ts', port: ROUTER_PORT, env: { ROUTER_PORT: String(ROUTER_PORT) } },
];

export const serviceUrl = (service: ServiceSpec, path = ''): string => `http://${LOCAL_HOST}:${service.port}${path}`;
