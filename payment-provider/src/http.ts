/** HTTP plumbing for the routes: JSON bodies and replies, API errors, API key checks. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a route answers; the server writes it (or, under the timeout fault, withholds it). */
export interface Reply {
  status: number;
  /** Serialised JSON, so an idempotent replay sends exactly the same bytes. */
  body: string;
  headers?: Record<string, string>;
}

export const json = (status: number, value: unknown): Reply => ({ status, body: JSON.stringify(value) });

/** An error answered as `{"error": {"code", "message"}}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }

  toReply(): Reply {
    return json(this.status, { error: { code: this.code, message: this.message } });
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Unknown parameters are refused rather than ignored, so a client's typo cannot go unnoticed. */
export function rejectUnknown(object: Record<string, unknown>, allowed: readonly string[], prefix = ''): void {
  const unknown = Object.keys(object).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw new ApiError(400, 'parameter_unknown', `Unknown parameter: ${prefix}${unknown.slice(0, 64)}`);
  }
}

const MAX_BODY_BYTES = 64 * 1024;

export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new ApiError(415, 'invalid_content_type', 'Send the request body as application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'body_too_large', `The body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'invalid_json', 'The body is not valid JSON');
  }
  if (!isObject(body)) throw new ApiError(400, 'invalid_json', 'The body must be a JSON object');
  return body;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Compares digests, so neither a key's content nor its length shows in the timing. */
export function keyMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

export function requireKey(req: IncomingMessage, expected: string, kind: 'publishable' | 'secret' | 'control'): void {
  const presented = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (presented === undefined || !keyMatches(presented, expected)) {
    throw new ApiError(
      401,
      'invalid_api_key',
      `Invalid API key: this endpoint takes the ${kind} key as a Bearer token`,
    );
  }
}
