import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyAddr from 'proxy-addr';

/** The address a request's per-client limits (requests, WebSockets, failed logins) are keyed on. */
export type ClientAddressOf = (req: IncomingMessage) => string;

const peerOf = (req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown';

/**
 * Checks TRUSTED_PROXIES entries (addresses, CIDR ranges, or proxy-addr's `loopback`,
 * `linklocal`, `uniquelocal`); returns a problem per bad one. A range covering every address
 * would believe any client's X-Forwarded-For, which is exactly what the setting must not do.
 */
export function trustedProxyProblems(entries: readonly string[]): string[] {
  return entries.flatMap((entry) => {
    if (/\/0$/.test(entry)) return [`TRUSTED_PROXIES: ${entry} trusts every address; name the balancers`];
    try {
      proxyAddr.compile(entry);
      return [];
    } catch (error) {
      return [`TRUSTED_PROXIES: ${entry}: ${error instanceof Error ? error.message : String(error)}`];
    }
  });
}

/**
 * How the router tells clients apart. With no trusted proxies (the default) the client is
 * the TCP peer and X-Forwarded-For is ignored: anyone can write that header. Behind load
 * balancers listed in `trustedProxies`, the header is read from the right, hop by hop, for
 * as long as the hop is a trusted proxy; the first address that is not one is the client
 * (proxy-addr, as Express does it). So a client that writes the header itself gains nothing:
 * directly, its peer address is untrusted and the header unread; through a balancer, the
 * balancer appends the address it saw, which is read before anything the client wrote.
 */
export function clientAddressOf(trustedProxies: readonly string[]): ClientAddressOf {
  if (trustedProxies.length === 0) return peerOf;
  const trust = proxyAddr.compile([...trustedProxies]);
  return (req) => {
    // A trusted hop that forwarded something not an address: key on the hop, never on free text.
    const address = proxyAddr(req, trust);
    return isIP(address) === 0 ? peerOf(req) : address;
  };
}
