import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Caller, Role } from '@emporium/auth';
import type { Logger } from '@emporium/logging';
import { RETRY_AFTER_SECONDS, isDependencyFailure } from '@emporium/resilience';
import { currentRequestId } from './request-id.ts';

/**
 * Codes a client may see on a GraphQL error (the contract's list, plus the request-level
 * ones Apollo Server raises for unparsable or invalid documents).
 */
export const PUBLIC_ERROR_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  // A dependency down or too slow: only the fields that need it fail, with retryAfterSeconds.
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  // A router that runs only registered documents refused one that is not (router/src/trusted-documents.ts).
  'PERSISTED_QUERY_NOT_IN_LIST',
  'OPERATION_RESOLUTION_FAILURE',
  // A subscriber too far behind its events, closed rather than buffered without bound.
  'SUBSCRIBER_TOO_SLOW',
  // A WebSocket asking for more subscriptions at once than the router allows per socket.
  'TOO_MANY_SUBSCRIPTIONS',
  // `cart(id:)` (the contract's GuestCart) for an unknown, expired or merged guest cart: a
  // query has no userErrors, so the user error's code travels on the GraphQL error.
  'CART_NOT_FOUND',
]);

/** Extension keys that may reach a client; everything else (stack traces, service names) is dropped. */
const PUBLIC_EXTENSIONS = new Set(['code', 'retryAfterSeconds']);

/** The request's id beside the code, so a client reporting an error names the request operators can find. */
const stamped = (extensions: Record<string, unknown>): Record<string, unknown> => {
  const requestId = currentRequestId();
  return requestId === undefined ? extensions : { ...extensions, requestId };
};

/**
 * UNAUTHENTICATED. Inside an operation (a field that needs a caller) it stays a field error
 * of a 200 answer; `rejectRequest` makes it the whole request's 401 (a bad token).
 */
export const unauthenticated = (message = 'Sign in to do this', rejectRequest = false): GraphQLError =>
  new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', ...(rejectRequest ? { http: { status: 401 } } : {}) },
  });

/** FORBIDDEN: signed in, but without the role or ownership this needs. */
export const forbidden = (message = 'You are not allowed to do this'): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

/** BAD_USER_INPUT: an argument the operation cannot take (as opposed to a userError in a payload). */
export const badUserInput = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/**
 * SERVICE_UNAVAILABLE: a dependency (database, search cluster, another service) is down or
 * too slow. A field error, so the rest of the response still arrives.
 */
export const serviceUnavailable = (
  message = 'This is temporarily unavailable; please try again shortly',
  options: { retryAfterSeconds?: number; cause?: unknown } = {},
): GraphQLError =>
  new GraphQLError(message, {
    extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: options.retryAfterSeconds ?? RETRY_AFTER_SECONDS },
    ...(options.cause instanceof Error ? { originalError: options.cause } : {}),
  });

/** An expected, user-caused failure, returned in a mutation payload's `userErrors`. */
export interface UserError {
  code: string;
  /** Path of the offending input field, e.g. ['input', 'price', 'amount'], or null. */
  field: string[] | null;
  message: string;
}

/** Builds a UserError for a mutation payload. */
export const userError = (code: string, message: string, field: string[] | null = null): UserError => ({
  code,
  field,
  message,
});

/**
 * The last step before an error leaves a server: errors with a public code keep their
 * message; a timeout or lost connection to a dependency becomes SERVICE_UNAVAILABLE;
 * anything else is logged in full and replaced by a generic internal error, so no stack
 * trace, SQL or hostname reaches a client.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = typeof formatted.extensions?.['code'] === 'string' ? formatted.extensions['code'] : undefined;
    if (code !== undefined && code !== 'INTERNAL_SERVER_ERROR' && PUBLIC_ERROR_CODES.has(code)) {
      const extensions = Object.fromEntries(
        Object.entries(formatted.extensions ?? {}).filter(([key]) => PUBLIC_EXTENSIONS.has(key)),
      );
      return { ...formatted, extensions: stamped(extensions) };
    }
    if (isDependencyFailure(error)) {
      logger.warn({ err: error, path: formatted.path, requestId: currentRequestId() }, 'a dependency failed');
      const unavailable = serviceUnavailable();
      return {
        message: unavailable.message,
        ...(formatted.path ? { path: formatted.path } : {}),
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: stamped(unavailable.extensions),
      };
    }
    logger.error({ err: error, path: formatted.path, requestId: currentRequestId() }, 'internal error');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: stamped({ code: 'INTERNAL_SERVER_ERROR' }),
    };
  };
}

/** The signed-in caller, or UNAUTHENTICATED. */
export function requireCaller(caller: Caller | null): Caller {
  if (!caller) throw unauthenticated();
  return caller;
}

/** A signed-in caller with `role`: UNAUTHENTICATED without a token, FORBIDDEN without the role. */
export function requireRole(caller: Caller | null, role: Role): Caller {
  const signedIn = requireCaller(caller);
  if (!signedIn.roles.includes(role)) throw forbidden(`This needs the ${role} role`);
  return signedIn;
}
