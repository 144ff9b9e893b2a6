/**
 * What every process needs to tell a failing dependency from a failing request: the HTTP
 * API answers the first with SERVICE_UNAVAILABLE (and keeps the rest of the response), an
 * event consumer waits for it to come back instead of dead-lettering good events. Plain
 * duck typing over the engines' errors, so this package depends on none of their clients.
 */

/** What a client is told to wait before trying again after a dependency failed. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Thrown by code that knows a dependency is down or too slow (a timeout of its own, an open
 * circuit, a peer service answering 5xx): the same treatment as an engine's own errors.
 */
export class DependencyUnavailable extends Error {
  /** Which dependency, for logs (never shown to a client). */
  readonly dependency: string;

  constructor(dependency: string, reason: string, options?: { cause?: unknown }) {
    super(`${dependency} unavailable: ${reason}`, options);
    this.name = 'DependencyUnavailable';
    this.dependency = dependency;
  }
}

/** Socket-level failures (Node's and undici's codes): the peer is down, unreachable or too slow. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * PostgreSQL SQLSTATEs of a server that is down, overloaded or too slow: class 08
 * (connection exceptions) below, 53300 too many connections, 57014 a statement cancelled
 * by `statement_timeout`, 57P01-57P05 shutdown and restart, 55P03 `lock_timeout`, and
 * 40001/40P01 (serialization failure, deadlock), which succeed when tried again.
 */
const POSTGRES_STATES = new Set([
  '53300',
  '57014',
  '57P01',
  '57P02',
  '57P03',
  '57P04',
  '57P05',
  '55P03',
  '40001',
  '40P01',
]);

/**
 * Error names of timeouts and lost connections: `TimeoutError` is both a fetch aborted by
 * `AbortSignal.timeout` and the Elasticsearch client's; the rest are Elasticsearch's and
 * kafkajs's connection errors. An `AbortError` is deliberately absent: that is a caller
 * giving up, not a dependency failing.
 */
const NAMES = new Set([
  'DependencyUnavailable',
  'TimeoutError',
  'ConnectionError',
  'NoLivingConnectionsError',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
]);

/** pg's own messages for a pool that could not hand out a connection in time, or a connection that died. */
const POSTGRES_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error/;

/** HTTP statuses of a server that is overloaded or failing, as HTTP clients (Elasticsearch's) report them. */
const UNAVAILABLE_STATUSES = new Set([429, 502, 503, 504]);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function isOwnFailure(error: Record<string, unknown>): boolean {
  const { code, name, message, statusCode } = error;
  if (typeof statusCode === 'number' && UNAVAILABLE_STATUSES.has(statusCode)) return true;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || POSTGRES_STATES.has(code) || code.startsWith('08'))) {
    return true;
  }
  if (typeof name === 'string' && NAMES.has(name)) return true;
  return typeof message === 'string' && POSTGRES_MESSAGES.test(message);
}

/**
 * True when `error`, or anything it wraps (`cause`, GraphQL's `originalError`, an
 * AggregateError's `errors`), says a dependency is down or too slow rather than that the
 * request itself cannot succeed.
 */
export function isDependencyFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (candidate: unknown): boolean => {
    if (!isRecord(candidate) || seen.has(candidate)) return false;
    seen.add(candidate);
    if (isOwnFailure(candidate)) return true;
    const nested = [candidate['cause'], candidate['originalError']];
    if (Array.isArray(candidate['errors'])) nested.push(...(candidate['errors'] as unknown[]));
    return nested.some(visit);
  };
  return visit(error);
}

/**
 * Delay before retry number `attempt` (1-based): exponential from `baseMs`, capped at
 * `maxMs`, with full jitter so replicas that failed together do not retry together.
 */
export function backoffDelayMs(
  attempt: number,
  baseMs = 200,
  maxMs = 5000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
