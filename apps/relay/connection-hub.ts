// The relay's registry of connections: by device, by channel they read, and the sockets per address
// that have not authenticated yet; fan-out of stored events and mailbox items to them, and what a
// directory change means for them (revoked devices go, subscriptions follow rosters).
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { CLOSE_CODES, type ServerFrame } from '@klinikfunk/protocol/relay/frames.ts';
import { clientAddress } from './client-address.ts';
import { Connection, type ConnectionContext } from './connection.ts';
import type { RelayLimits } from './limits.ts';
import type { RelayLog } from './log.ts';
import type { Presence } from './presence.ts';
import type { RateBuckets } from './rate-buckets.ts';
import type { RelayMetrics } from './relay-metrics.ts';
import type { RelayStore } from './store/store.ts';
import type { TrustChange, TrustVerifier } from './trust.ts';

export interface HubOptions {
  store: RelayStore;
  trust: TrustVerifier;
  log: RelayLog;
  limits: RelayLimits;
  presence: Presence;
  rateBuckets: RateBuckets;
  trustedProxies: ReadonlySet<string>;
  /** Created after the hub (its gauges read the hub). */
  metrics(): RelayMetrics;
}

function addTo(map: Map<string, Set<Connection>>, key: string, conn: Connection): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(conn);
}
function removeFrom(map: Map<string, Set<Connection>>, key: string, conn: Connection): void {
  const set = map.get(key);
  if (set?.delete(conn) && set.size === 0) map.delete(key);
}

export class ConnectionHub {
  readonly byDevice = new Map<string, Set<Connection>>();
  /** Directory agents' sessions by delegation id (kept apart: an agent is no device). */
  readonly #byAgent = new Map<string, Set<Connection>>();
  readonly byChannel = new Map<string, Set<Connection>>();
  readonly connections = new Set<Connection>();
  pushes = 0;
  /** Sockets per remote address that have not authenticated yet, oldest first. */
  readonly #unauthenticated = new Map<string, Set<Connection>>();
  readonly #o: HubOptions;
  readonly #metrics: () => RelayMetrics;

  constructor(options: HubOptions) {
    this.#o = options;
    this.#metrics = options.metrics;
  }

  #leaveUnauthenticated(conn: Connection): void {
    removeFrom(this.#unauthenticated, conn.remote, conn);
  }

  #subscribe(conn: Connection): void {
    const device = conn.device;
    if (!device) return;
    const next = new Set(this.#o.trust.channelsOf(device.userId));
    for (const channel of conn.channels) if (!next.has(channel)) removeFrom(this.byChannel, channel, conn);
    for (const channel of next) addTo(this.byChannel, channel, conn);
    conn.channels = next;
  }

  /** Pushes a stored event to the channel's subscribers here, except its sender's socket. */
  fanOut(channelId: string, seq: number, envelope: Uint8Array, at: number, except: Connection | null): void {
    const subscribers = this.byChannel.get(channelId);
    if (!subscribers || subscribers.size === 0) return;
    const text = JSON.stringify({
      t: 'push',
      channelId,
      seq,
      envelope: toBase64Url(envelope),
      at,
      incarnation: this.#o.store.incarnation(),
    } satisfies ServerFrame);
    // From the commit's relay time (stored with the event) to the push handed to the sockets.
    if (subscribers.size > (except && subscribers.has(except) ? 1 : 0))
      this.#metrics().publishToPush.observe(Math.max(0, Date.now() - at) / 1000);
    for (const conn of subscribers) {
      if (conn === except) continue;
      conn.pushRaw(text);
      this.pushes++;
      this.#metrics().deliveries.inc();
    }
  }

  /** The newest open session of a directory agent's delegation (sign-in requests go there). */
  agentSession(delegationId: string): Connection | null {
    const open = [...(this.#byAgent.get(delegationId) ?? [])].filter((c) => !c.closing);
    return open.at(-1) ?? null;
  }

  onAuthenticated(conn: Connection): void {
    this.#leaveUnauthenticated(conn);
    // The directory agent is no device: no presence, no channels; it asks for records itself.
    // Its sockets are capped like a device's, or a stolen agent key could fill the relay.
    if (conn.agent) {
      const open = [...(this.#byAgent.get(conn.device!.deviceId) ?? [])].filter((c) => !c.closing);
      for (const old of open.slice(0, Math.max(0, open.length - this.#o.limits.maxConnectionsPerDevice + 1)))
        old.close(CLOSE_CODES.replaced, 'replaced by a newer session of this directory agent');
      addTo(this.#byAgent, conn.device!.deviceId, conn);
      return;
    }
    // Newest wins: a device keeps a few sockets at most (a restarted client's old socket may
    // not be closed yet); one that opens more pushes its oldest out instead of piling up memory.
    const live = [...(this.byDevice.get(conn.device!.deviceId) ?? [])].filter((c) => !c.closing);
    for (const old of live.slice(0, Math.max(0, live.length - this.#o.limits.maxConnectionsPerDevice + 1)))
      old.close(CLOSE_CODES.replaced, 'replaced by a newer connection of this device');
    addTo(this.byDevice, conn.device!.deviceId, conn);
    this.#o.presence.connected(conn.device!.deviceId, conn.announced);
    this.#subscribe(conn);
  }

  onClosed(conn: Connection): void {
    this.connections.delete(conn);
    this.#o.rateBuckets.forgetConnection(conn.id);
    const device = conn.device;
    if (!device) this.#leaveUnauthenticated(conn);
    if (device && conn.agent) removeFrom(this.#byAgent, device.deviceId, conn);
    if (device && !conn.agent) {
      this.#o.presence.disconnected(device.deviceId);
      removeFrom(this.byDevice, device.deviceId, conn);
    }
    for (const channel of conn.channels) removeFrom(this.byChannel, channel, conn);
  }

  mailed(toDeviceId: string, item: Parameters<ConnectionContext['mailed']>[1]): void {
    const targets = this.byDevice.get(toDeviceId);
    if (!targets) return;
    const frame: ServerFrame = {
      t: 'mail_push',
      item: {
        messageId: item.messageId,
        fromDeviceId: item.fromDeviceId,
        payload: toBase64Url(item.payload),
        storedAt: item.storedAt,
      },
    };
    // Paused like event pushes for a device that does not read: after `lag` it fetches its mail.
    const text = JSON.stringify(frame);
    for (const conn of targets) {
      conn.pushRaw(text);
      this.#metrics().deliveries.inc();
    }
  }

  /** The directory changed: every device hears of it; revoked devices go, subscriptions follow rosters. */
  directoryChanged(change: TrustChange): void {
    // Every device learns at once that the directory grew (rosters, revocations, new devices).
    const note = JSON.stringify({ t: 'dir_push', pos: change.pos } satisfies ServerFrame);
    for (const conn of this.connections) if (conn.device) conn.pushRaw(note);
    // A directory agent's session ends with its delegation (a delegation_revocation is an 'other' change).
    if (change.kind === 'other')
      for (const conn of this.connections) {
        const check = conn.agent ? this.#o.trust.checkAgentKey(conn.device!.deviceId) : null;
        if (check && !check.ok) conn.close(CLOSE_CODES.revoked, check.reason);
      }
    if (change.kind === 'revocation' || change.kind === 'device' || change.kind === 'user') {
      for (const conn of this.connections) {
        const device = conn.device;
        if (device && !conn.agent && !this.#o.trust.isActive(device.deviceId)) {
          this.#o.log.info('disconnecting revoked device', { device: device.deviceId });
          const check = this.#o.trust.checkDevice(device.deviceId);
          const why = check.ok ? 'revoked' : check.reason;
          conn.send({ t: 'error', code: 'revoked', message: why });
          conn.close(CLOSE_CODES.revoked, why);
        }
      }
    }
    if (change.kind === 'roster' || change.kind === 'revocation')
      for (const conn of this.connections) this.#subscribe(conn);
  }

  /** Takes a new socket unless the relay is full; at an address's bound its oldest waiting socket goes. */
  admit(ws: WebSocket, req: IncomingMessage, ctx: ConnectionContext): void {
    if (this.connections.size >= this.#o.limits.maxConnections) return ws.close(1013, 'relay full; try later');
    // Per address, so sockets that never authenticate from one place cannot take every slot. At
    // the bound the address's oldest waiting socket goes, not the new one: honest devices behind
    // the same address (a clinic's NAT, a reverse proxy) finish hello and auth in a round trip,
    // so an attacker there has to open sockets faster than that to keep them out, instead of
    // holding 32 idle ones.
    const remote = clientAddress(
      req.socket.remoteAddress ?? '',
      req.headers['x-forwarded-for'],
      this.#o.trustedProxies,
    );
    const waiting = this.#unauthenticated.get(remote);
    if (waiting && waiting.size >= this.#o.limits.maxUnauthenticatedPerAddress) {
      const oldest = waiting.values().next().value!;
      waiting.delete(oldest);
      this.#o.log.info('too many unauthenticated sockets from one address: the oldest goes', { remote });
      oldest.close(1013, 'too many unauthenticated connections from this address; try later');
    }
    const conn = new Connection(ws, ctx, remote, req.socket);
    addTo(this.#unauthenticated, remote, conn);
    this.connections.add(conn);
  }
}
