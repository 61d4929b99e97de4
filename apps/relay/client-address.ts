// The address a device connects from, for the per-address limit on unauthenticated sockets and
// for the logs. Behind a reverse proxy (nginx terminating TLS) every socket comes from the proxy,
// so all devices would share one address; the proxy names the real one in X-Forwarded-For. That
// header is believed only from the proxies the configuration lists (`trustedProxies`): anyone
// else could write any address into it and dodge the limit or blame another address.
import { isIP } from 'node:net';

/** An IPv4 address seen over an IPv6 socket (::ffff:10.0.0.1) is that IPv4 address. */
export function normaliseAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return (mapped ? mapped[1]! : address).toLowerCase();
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy; then the nearest
 * address in X-Forwarded-For (read from the right, the end the proxy appended) that is not a
 * trusted proxy itself. A header entry that is not an IP address ends the walk there: what lies
 * left of it came from the client and proves nothing.
 */
export function clientAddress(
  peer: string,
  forwardedFor: string | string[] | undefined,
  trusted: ReadonlySet<string>,
): string {
  let address = normaliseAddress(peer);
  if (!trusted.has(address) || forwardedFor === undefined) return address;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normaliseAddress(hops[i]!);
    if (isIP(hop) === 0) break;
    address = hop;
    if (!trusted.has(hop)) break;
  }
  return address;
}
