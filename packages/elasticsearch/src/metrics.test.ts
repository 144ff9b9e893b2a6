import { errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { outcomeOf } from './metrics.ts';

const answered = (statusCode: number): InstanceType<typeof errors.ResponseError> =>
  new errors.ResponseError({
    body: {},
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });

describe('outcomeOf', () => {
  it('tells answers a caller expects (404, 409) apart from client and server errors', () => {
    expect(outcomeOf(answered(404))).toBe('not_found');
    expect(outcomeOf(answered(409))).toBe('conflict');
    expect(outcomeOf(answered(400))).toBe('client_error');
    expect(outcomeOf(answered(503))).toBe('server_error');
  });

  it('names timeouts and unreachable clusters, and anything else as error', () => {
    expect(outcomeOf(new errors.TimeoutError('late'))).toBe('timeout');
    expect(outcomeOf(new errors.ConnectionError('refused'))).toBe('connection_error');
    expect(outcomeOf(new errors.NoLivingConnectionsError('none', {} as never))).toBe('connection_error');
    expect(outcomeOf(new Error('boom'))).toBe('error');
  });
});
