import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Caller, Role } from '@emporium/auth';
import type { Logger } from '@emporium/logging';

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
  'INTERNAL_SERVER_ERROR',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  // A subscriber too far behind its events, closed rather than buffered without bound.
  'SUBSCRIBER_TOO_SLOW',
  // A WebSocket asking for more subscriptions at once than the router allows per socket.
  'TOO_MANY_SUBSCRIPTIONS',
]);

/** Extension keys that may reach a client; everything else (stack traces, service names) is dropped. */
const PUBLIC_EXTENSIONS = new Set(['code', 'retryAfterSeconds']);

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
 * message; anything else is logged in full and replaced by a generic internal error, so
 * no stack trace, SQL or hostname reaches a client.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = typeof formatted.extensions?.['code'] === 'string' ? formatted.extensions['code'] : undefined;
    if (code !== undefined && code !== 'INTERNAL_SERVER_ERROR' && PUBLIC_ERROR_CODES.has(code)) {
      const extensions = Object.fromEntries(
        Object.entries(formatted.extensions ?? {}).filter(([key]) => PUBLIC_EXTENSIONS.has(key)),
      );
      return { ...formatted, extensions };
    }
    logger.error({ err: error, path: formatted.path }, 'internal error');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
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
