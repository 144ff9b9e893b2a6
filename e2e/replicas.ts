import { LOCAL_HOST } from '@emporium/config';
import { SERVICES, configuredReplicas, replicaOf, type ServiceSpec } from '../infra/src/services.ts';

/**
 * The running platform's processes, one per service or (EMPORIUM_REPLICAS >= 2) one per
 * replica. A service's well-known port is then the balancer's (routers, subgraphs) or nobody's
 * (workers), so a test that reads a process's own figures (its /metrics, /ready, live
 * counts) reads them from every replica: summed where the figure is the platform's, one by
 * one where each process must answer for itself.
 */
export const REPLICAS = configuredReplicas();

/** Every running process of the service `name`: the service itself, or each of its replicas. */
export function processesOf(name: string): ServiceSpec[] {
  const service = SERVICES.find((each) => each.name === name);
  if (!service) throw new Error(`no service ${name}`);
  if (REPLICAS < 2 || !service.scaling) return [service];
  return Array.from({ length: REPLICAS }, (_, i) => replicaOf(service, i + 1));
}

/** Every running platform process: the services, or their replicas where they run in replicas. */
export const allProcesses = (): ServiceSpec[] => SERVICES.flatMap((service) => processesOf(service.name));

/** A process's own base URL (`http://127.0.0.1:14005`), not the balancer's. */
export const processUrl = (process: ServiceSpec, path = ''): string => `http://${LOCAL_HOST}:${process.port}${path}`;

/** Where each running process of `name` serves its metrics. */
export function metricsUrlsOf(name: string): string[] {
  return processesOf(name).map((process) => {
    if (process.metricsPort === undefined) throw new Error(`${name} serves no metrics`);
    return `http://${LOCAL_HOST}:${process.metricsPort}/metrics`;
  });
}

/** The router processes' own GraphQL URLs (the balancer's :4000 reaches any one of them). */
export const routerGraphqlUrls = (): string[] => processesOf('router').map((router) => processUrl(router, '/graphql'));
