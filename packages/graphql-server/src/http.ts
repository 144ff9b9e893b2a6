import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import { currentRequestId } from './request-id.ts';

/** Largest request body accepted; a GraphQL document plus variables never needs more. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

class BodyTooLargeError extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A request-level error in GraphQL's shape, for failures before Apollo Server sees the request. */
export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const requestId = currentRequestId();
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    .end(
      JSON.stringify({ errors: [{ message, extensions: requestId === undefined ? { code } : { code, requestId } }] }),
    );
}

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  server: ApolloServer<TContext>;
  context: (req: IncomingMessage) => Promise<TContext>;
  maxBodyBytes?: number;
}

/**
 * Serves Apollo Server from a plain node:http server: the router and every subgraph use
 * this, so body limits and malformed-JSON handling are the same everywhere.
 */
export function createGraphQLHandler<TContext extends BaseContext>(
  options: GraphQLHttpOptions<TContext>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (req, res) => {
    let body: unknown;
    try {
      const raw = req.method === 'POST' ? await readBody(req, limit) : '';
      const isJson = (req.headers['content-type'] ?? '').includes('application/json');
      body = raw !== '' && isJson ? JSON.parse(raw) : raw;
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendError(res, 413, 'BAD_REQUEST', `Request body exceeds ${limit} bytes`);
      } else {
        sendError(res, 400, 'BAD_REQUEST', 'Request body is not valid JSON');
      }
      return;
    }

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const request: HTTPGraphQLRequest = { method: req.method ?? 'GET', headers, search: url.search, body };
    const response = await options.server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: request,
      context: () => options.context(req),
    });

    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
