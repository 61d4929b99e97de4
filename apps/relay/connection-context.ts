// What a connection needs from the relay around it (relay.ts builds it), and what a request
// handler of an authenticated device gets from its connection (the *-requests.ts files).
import type { DeviceSeen, RelayErrorCode, ServerFrame } from '@klinikfunk/protocol/relay/frames.ts';
import type { Connection } from './connection.ts';
import type { RelayLimits, TokenBucket } from './limits.ts';
import type { RelayLog } from './log.ts';
import type { SignInForwarder } from './sign-in-forward.ts';
import type { AppendItem, AppendResult, RelayStore } from './store/store.ts';
import type { DeviceIdentity, TrustVerifier } from './trust.ts';

export interface ConnectionContext {
  store: RelayStore;
  trust: TrustVerifier;
  limits: RelayLimits;
  log: RelayLog;
  relayId: string;
  /**
   * When set, every published envelope must parse (packages/protocol/wire/envelope-layout.ts) and its
   * header must name this organisation, the publish frame's channel and client event id, and the
   * authenticated device as sender. Off only for tests that publish arbitrary bytes.
   */
  envelopeCheck: { orgIdRaw: Uint8Array } | null;
  /**
   * Stores publishes (store.appendBatch rules) together with other connections' publishes of the
   * same event-loop turn (group-commit.ts); resolves once they are durable.
   */
  append(items: readonly AppendItem[]): Promise<AppendResult[]>;
  /** Per-device rate buckets, shared by a device's connections in this process. */
  buckets(key: string): { frames: TokenBucket; bytes: TokenBucket };
  /** Per-device bucket for directory records (kept while the device is away, so reconnecting refills nothing). */
  recordBucket(deviceId: string, agent?: boolean): TokenBucket;
  /** Sign-in requests (directory password) from one network address. */
  signInBucket(address: string): TokenBucket;
  /** Forwards sealed sign-in requests to the directory agent's session and brings its answer back. */
  signIns: SignInForwarder;
  onAuthenticated(conn: Connection): void;
  onClosed(conn: Connection): void;
  /** A new event was stored: push it to the channel's other subscribers. */
  committed(channelId: string, seq: number, envelope: Uint8Array, at: number, from: Connection): void;
  /** Presence of every device in the directory (devices_seen; the caller checked the admin role). */
  devicesSeen(): Promise<DeviceSeen[]>;
  mailed(
    toDeviceId: string,
    item: { messageId: string; fromDeviceId: string; payload: Uint8Array; storedAt: number },
  ): void;
  draining(): boolean;
  /** The relay clock escalation deadlines are set and released by (Date.now; tests jump it). */
  now(): number;
  /**
   * A request was answered `unavailable` because its handler threw (the store, nearly always):
   * counted, and the store's health checked now. True while the store is known to be failing
   * (then the request's own log line is debug: the state change was logged once).
   */
  requestFailed(error: unknown): boolean;
}

/** A frame of an authenticated device: its connection's context and log, the device, and the way back. */
export interface RequestScope {
  readonly ctx: ConnectionContext;
  readonly log: RelayLog;
  readonly device: DeviceIdentity;
  /** A directory agent's session (directory frames only; its records are not rate limited). */
  readonly agent: boolean;
  send(frame: ServerFrame): void;
  /** Answers one frame with an error without ending the others (a publish of a batch). */
  reject(id: number | undefined, code: RelayErrorCode, message: string): void;
}
