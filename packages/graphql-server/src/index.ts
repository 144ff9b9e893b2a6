export {
  PUBLIC_ERROR_CODES,
  badUserInput,
  createErrorFormatter,
  forbidden,
  requireCaller,
  requireRole,
  unauthenticated,
  userError,
} from './errors.ts';
export type { UserError } from './errors.ts';
export { DEFAULT_MAX_BODY_BYTES, createGraphQLHandler } from './http.ts';
export type { GraphQLHttpOptions } from './http.ts';
export { createSubgraphServer } from './subgraph.ts';
export type { RequestIdentity, SubgraphServer, SubgraphServerOptions } from './subgraph.ts';
export { exitWhenCrashed, runPeriodically, runUntilSignalled, serveWorkerHealth } from './lifecycle.ts';
export type { PeriodicTask } from './lifecycle.ts';
export { DateTimeScalar } from './scalars.ts';
export { buildFederatedSchema, readTypeDefs } from './schema.ts';
export { jsonRoute, listen, serveRoutes } from './routes.ts';
export type { Route } from './routes.ts';
export { MAX_PAGE_SIZE, decodeCursor, encodeCursor, pageSize } from './pagination.ts';
export { decodeKeyset, encodeKeyset, isUuid } from './keyset.ts';
export type { Keyset } from './keyset.ts';
