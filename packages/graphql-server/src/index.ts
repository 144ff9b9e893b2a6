export {
  PUBLIC_ERROR_CODES,
  badUserInput,
  createErrorFormatter,
  forbidden,
  requireCaller,
  requireRole,
  serviceUnavailable,
  unauthenticated,
  userError,
} from './errors.ts';
export type { UserError } from './errors.ts';
// The runtime kit's view of failing dependencies, for processes that classify errors themselves.
export { DependencyUnavailable, RETRY_AFTER_SECONDS, isDependencyFailure } from '@emporium/resilience';
export { DEFAULT_MAX_BODY_BYTES, createGraphQLHandler, sendError } from './http.ts';
export { REQUEST_ID_HEADER, currentRequestId, withRequestId } from './request-id.ts';
export type { GraphQLHttpOptions } from './http.ts';
export { createSubgraphServer } from './subgraph.ts';
export type { RequestIdentity, SubgraphServer, SubgraphServerOptions } from './subgraph.ts';
export {
  DRAIN_GRACE_MS,
  SHUTDOWN_DEADLINE_MS,
  exitWhenCrashed,
  runPeriodically,
  runUntilSignalled,
  serveWorkerHealth,
} from './lifecycle.ts';
export type { PeriodicTask } from './lifecycle.ts';
export { checkReadiness, isShuttingDown } from './readiness.ts';
export type { Readiness, ReadinessChecks } from './readiness.ts';
export { DateTimeScalar } from './scalars.ts';
export { buildFederatedSchema, readTypeDefs } from './schema.ts';
export { accessLog, jsonRoute, listen, operationLogFieldsPlugin, serveRoutes } from './routes.ts';
export type { Middleware, Route } from './routes.ts';
export { MAX_PAGE_SIZE, decodeCursor, encodeCursor, pageSize } from './pagination.ts';
export { decodeKeyset, encodeKeyset, isUuid } from './keyset.ts';
export type { Keyset } from './keyset.ts';
