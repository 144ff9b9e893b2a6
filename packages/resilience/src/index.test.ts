import { describe, expect, it } from 'vitest';
import { DependencyUnavailable, backoffDelayMs, isDependencyFailure } from './index.ts';

const withCode = (code: string, message = 'failed'): Error => Object.assign(new Error(message), { code });
const named = (name: string): Error => Object.assign(new Error('failed'), { name });

describe('isDependencyFailure', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a statement cancelled by statement_timeout', withCode('57014', 'canceling statement due to statement timeout')],
    ['a lost PostgreSQL connection', withCode('08006')],
    ['a server shutting down', withCode('57P01')],
    ['a pool that could not hand out a connection', new Error('timeout exceeded when trying to connect')],
    ['a fetch aborted by AbortSignal.timeout', named('TimeoutError')],
    ['an Elasticsearch connection error', named('ConnectionError')],
    ['a Kafka request timeout', named('KafkaJSRequestTimeoutError')],
    ['an explicit DependencyUnavailable', new DependencyUnavailable('cart', 'answered 503')],
    ['a wrapped cause', new Error('outer', { cause: withCode('ECONNRESET') })],
    ['an AggregateError of refusals', new AggregateError([withCode('ECONNREFUSED')], 'connect failed')],
    ['an overloaded cluster (429)', Object.assign(new Error('es_rejected_execution_exception'), { statusCode: 429 })],
    ['a GraphQL error around one', Object.assign(new Error('x'), { originalError: named('TimeoutError') })],
  ])('recognises %s', (_what, error) => {
    expect(isDependencyFailure(error)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a constraint violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a caller giving up', named('AbortError')],
    ['a 404 from a cluster', Object.assign(new Error('index_not_found_exception'), { statusCode: 404 })],
    ['not an error', 'ECONNREFUSED'],
    ['null', null],
  ])('does not take %s for one', (_what, error) => {
    expect(isDependencyFailure(error)).toBe(false);
  });

  it('ends on a cycle of causes', () => {
    const error = new Error('loop') as Error & { cause?: unknown };
    error.cause = error;
    expect(isDependencyFailure(error)).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  it('grows exponentially up to the cap, jittered within the upper half', () => {
    expect(backoffDelayMs(1, 100, 1000, () => 0)).toBe(50);
    expect(backoffDelayMs(1, 100, 1000, () => 1)).toBe(100);
    expect(backoffDelayMs(3, 100, 1000, () => 1)).toBe(400);
    expect(backoffDelayMs(10, 100, 1000, () => 1)).toBe(1000);
  });
});
