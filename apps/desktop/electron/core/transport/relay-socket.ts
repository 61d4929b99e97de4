// A short-lived WebSocket to the relay (setup, enrolment lookup, wipe confirmation) that leaves
// the workstation the way the device's own connection does (net/relay-network.ts): trust store,
// proxy, and a failure that names the network's reason instead of a bare "offline".
import WebSocket from 'ws';
import type { RelayNetwork } from '../net/relay-network.ts';
import { TransportError } from './transport.ts';

export interface RelaySocketOptions {
  /** Trust and proxy from policy and OS; without it, Node's defaults (tests). */
  network?: RelayNetwork;
  /** TLS options for wss without a network (a test pinning its own CA). */
  tls?: { ca?: string | Buffer };
}

export async function openRelaySocket(
  url: string,
  options: RelaySocketOptions,
): Promise<{ ws: WebSocket; failure(error: Error): TransportError }> {
  const dial = options.network ? await options.network.dial(url) : null;
  const ws = new WebSocket(url, { perMessageDeflate: false, ...(dial ? dial.options : (options.tls ?? {})) });
  return {
    ws,
    failure: (error) => {
      const problem = dial?.problem(error) ?? null;
      return new TransportError(problem ?? 'offline', error.message);
    },
  };
}
