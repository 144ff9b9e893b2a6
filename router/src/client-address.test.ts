import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddressOf, trustedProxyProblems } from './client-address.ts';

/** A request as node:http hands it over: the TCP peer, and the headers the peer sent. */
const requestFrom = (peer: string, forwardedFor?: string): IncomingMessage =>
  ({
    socket: { remoteAddress: peer },
    connection: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('client addresses', () => {
  it('are the TCP peer by default, whatever X-Forwarded-For says', () => {
    const addressOf = clientAddressOf([]);
    expect(addressOf(requestFrom('10.0.0.5', '203.0.113.7'))).toBe('10.0.0.5');
  });

  it("are read from a trusted balancer's X-Forwarded-For, the rightmost hop that is not a trusted proxy", () => {
    const addressOf = clientAddressOf(['10.0.0.0/24', 'loopback']);
    expect(addressOf(requestFrom('10.0.0.5', '203.0.113.7'))).toBe('203.0.113.7');
    // What the client wrote comes before what the balancer appended, and is not read.
    expect(addressOf(requestFrom('10.0.0.5', '198.51.100.1, 203.0.113.7'))).toBe('203.0.113.7');
    // Two trusted hops (an edge proxy, then the balancer).
    expect(addressOf(requestFrom('10.0.0.5', '198.51.100.1, 203.0.113.7, 10.0.0.9'))).toBe('203.0.113.7');
    expect(addressOf(requestFrom('10.0.0.5', '2001:db8::7'))).toBe('2001:db8::7');
    // A trusted balancer that sent no header: the balancer is all there is to key on.
    expect(addressOf(requestFrom('10.0.0.5'))).toBe('10.0.0.5');
  });

  it('ignore X-Forwarded-For from a peer that is not a trusted proxy', () => {
    const addressOf = clientAddressOf(['10.0.0.0/24']);
    expect(addressOf(requestFrom('192.0.2.66', '203.0.113.7'))).toBe('192.0.2.66');
  });

  it('never key on free text a trusted hop forwarded', () => {
    const addressOf = clientAddressOf(['10.0.0.5']);
    expect(addressOf(requestFrom('10.0.0.5', 'unknown'))).toBe('10.0.0.5');
  });

  it('refuse trusted-proxy entries that are not addresses, or that trust everyone', () => {
    expect(trustedProxyProblems(['10.0.0.0/8', 'loopback', '2001:db8::/32'])).toEqual([]);
    expect(trustedProxyProblems(['balancer.internal'])).toHaveLength(1);
    expect(trustedProxyProblems(['0.0.0.0/0', '::/0'])).toHaveLength(2);
  });
});
