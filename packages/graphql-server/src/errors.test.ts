import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@emporium/logging';
import { createErrorFormatter, serviceUnavailable } from './errors.ts';

const format = createErrorFormatter(createLogger('test', { level: 'silent' }));
/** What Apollo Server hands the formatter for an error thrown in a resolver. */
const thrown = (original: Error): [ReturnType<GraphQLError['toJSON']>, GraphQLError] => {
  const error = new GraphQLError(original.message, { path: ['searchProducts'], originalError: original });
  return [error.toJSON(), error];
};

describe('the error formatter', () => {
  it('turns a dependency timeout into SERVICE_UNAVAILABLE with retryAfterSeconds and no internals', () => {
    const timeout = Object.assign(new Error('connect ETIMEDOUT 10.0.0.7:5432'), { code: 'ETIMEDOUT' });
    const formatted = format(...thrown(timeout));
    expect(formatted).toEqual({
      message: expect.stringMatching(/temporarily unavailable/) as unknown,
      path: ['searchProducts'],
      extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 },
    });
    expect(JSON.stringify(formatted)).not.toMatch(/10\.0\.0\.7|ETIMEDOUT/);
  });

  it('keeps an explicit SERVICE_UNAVAILABLE with its message and retry hint', () => {
    const error = serviceUnavailable('Search is temporarily unavailable', { retryAfterSeconds: 2 });
    expect(format(error.toJSON(), error)).toMatchObject({
      message: 'Search is temporarily unavailable',
      extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 2 },
    });
  });

  it('still masks a bug as INTERNAL_SERVER_ERROR', () => {
    const formatted = format(...thrown(new TypeError("Cannot read properties of undefined (reading 'id')")));
    expect(formatted).toEqual({
      message: 'Internal server error',
      path: ['searchProducts'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});
