import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { currentLogFields, withLogFields } from '@emporium/logging';

/** The header that names a request, in both directions (the contract promises it on every response). */
export const REQUEST_ID_HEADER = 'x-request-id';

/** A client's own id is kept when it is well-formed, so its logs and ours meet; anything else is replaced. */
const WELL_FORMED = /^[\w-]{8,64}$/;

/**
 * The id of the request being served, wherever in its async work this runs (error
 * formatting, logging), or undefined outside a request. One ambient value instead of a
 * parameter threaded through Apollo's formatter, which is given no context. It lives in the
 * request's log fields, so every log line of the request carries it too.
 */
export const currentRequestId = (): string | undefined => currentLogFields()?.requestId;

/**
 * Names the request (the client's well-formed `x-request-id`, else a new UUID), answers
 * the name on the response before anything else is written, and serves the rest of the
 * request inside that name's scope.
 */
export function withRequestId<T>(req: IncomingMessage, res: ServerResponse, serve: () => T): T {
  const given = req.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return withLogFields({ requestId: id }, serve);
}
