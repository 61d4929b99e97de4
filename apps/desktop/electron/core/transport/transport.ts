// The client's view of "a relay": publish ciphertext to a channel and get its seq, learn which
// channels moved past a cursor vector, page through a channel, receive live pushes, device
// mailboxes (key shares, wipe orders), blobs (encrypted files) and the signed directory.
// Implementations: `relay` (WebSocket to the relay in apps/relay/, relay-transport.ts) and `loopback`
// (in-memory, loopback.ts). Both pass tests/integration/transport/contract.ts. The interface is
// a superset of the sync engine's SyncTransport port, so an instance plugs straight in; a third
// transport (e.g. Matrix) implements this and nothing in sync/ changes.

import { NETWORK_PROBLEMS, type NetworkProblem } from '../net/network-problem.ts';

/** One ciphertext event as the relay orders it: per channel, gapless seq from 1. */
export interface WireEvent {
  channelId: string;
  seq: number;
  envelope: Uint8Array;
  /** Relay time: when the relay accepted it (ms since epoch); absent only from a transport that has none. */
  at?: number;
  /** The relay incarnation the seq belongs to (pushes). */
  incarnation?: string;
}

/** What an accepted publish tells the sender: its place in the channel and its relay time. */
export interface PublishResult {
  seq: number;
  at?: number;
  /** The relay incarnation whose durable store holds the event. */
  incarnation?: string;
}

/** A page of a channel's log with the head, the declared history start and the incarnation. */
export interface ChannelPage {
  events: WireEvent[];
  head: number;
  /** Seqs below it were deleted by the relay's retention (declared gone); 1 when none were. */
  historyStart: number;
  /** Seqs a relay restore skipped (declared gone, not retention); absent: none. */
  gone?: { from: number; to: number }[];
  incarnation: string | null;
}

/** Heads past the cursors, the relay's incarnation and, after a restore, its restore points. */
export interface ChangedHeads {
  heads: Record<string, number>;
  incarnation: string | null;
  bases?: Record<string, number>;
}

/**
 * offline: not started, closed, or refused for good (see onFatal).
 * connecting: first connect or reconnecting after a drop (with backoff); requests fail fast.
 * online: authenticated; requests go out, pushes come in.
 */
export type TransportState = 'offline' | 'connecting' | 'online';

/** For the UI: "offline", "connecting", "reconnecting in 8 s (attempt 4)", "online". */
export interface ConnectionInfo {
  state: TransportState;
  /** Failed attempts since the last time online (0 on the first connect). */
  reconnectAttempt: number;
  /** When the next attempt starts (ms since epoch), while waiting out a backoff. */
  nextRetryAt: number | null;
  /**
   * Why connecting keeps failing, when the relay said so: `relay_version`, the relay speaks another
   * protocol version (one side was updated without the other). Attempts go on: the other side may
   * be updated any minute. Or the network's reason (net/network-problem.ts): the relay's
   * certificate is not trusted, or the proxy refused, wants credentials or is not reachable.
   */
  problem: 'relay_version' | NetworkProblem | null;
}

export interface MailboxMessage {
  messageId: string;
  fromDeviceId: string;
  payload: Uint8Array;
  storedAt: number;
}

export interface BlobProgress {
  /** Bytes acknowledged by (or received from) the relay so far. */
  done: number;
  total: number;
}

export interface BlobOptions {
  onProgress?: (progress: BlobProgress) => void;
  /** The blob's address, known before its first byte goes (so a dropped upload can be discarded). */
  onHash?: (hash: string) => void;
  /** Give up after this long without reaching the relay (default 60 s); a drop in between resumes. */
  timeoutMs?: number;
}

export type TransportErrorCode =
  | 'offline'
  | 'disconnected'
  | 'timeout'
  | 'closed'
  | 'protocol'
  | 'bad_frame'
  | 'frame_too_large'
  | 'unsupported_version'
  | 'not_authenticated'
  | 'auth_failed'
  | 'revoked'
  | 'not_member'
  | 'not_permitted'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'too_large'
  | 'not_found'
  | 'conflict'
  | 'hash_mismatch'
  | 'record_rejected'
  | 'unavailable'
  | 'internal'
  // The network between workstation and relay (net/network-problem.ts): retried like offline.
  | NetworkProblem;

export class TransportError extends Error {
  readonly code: TransportErrorCode;
  constructor(code: TransportErrorCode, message: string) {
    super(message);
    this.name = 'TransportError';
    this.code = code;
  }
  /** Worth retrying later on the same or a new connection (the outbox does). */
  get retryable(): boolean {
    return ['offline', 'disconnected', 'timeout', 'rate_limited', 'unavailable', ...NETWORK_PROBLEMS].includes(
      this.code,
    );
  }
  /**
   * The relay's answer to this request is final: the same bytes will never be taken (sync/ports.ts
   * `PublishRefusal`). Storage trouble, limits and lost connections are not: they pass.
   */
  get refusedForGood(): boolean {
    return (REFUSED_FOR_GOOD as readonly string[]).includes(this.code);
  }
}

/** Answers that no retry of the same request can change (a publish: docs/relay-protocol.md "Errors"). */
const REFUSED_FOR_GOOD = [
  'not_member',
  'not_permitted',
  'too_large',
  'frame_too_large',
  'bad_frame',
  'conflict',
] as const;

export interface DirectoryPage {
  records: Array<{ pos: number; record: Record<string, unknown> }>;
}

export interface Transport {
  /** Starts connecting; resolves when online the first time, rejects when refused (auth_failed, revoked). */
  connect(): Promise<void>;
  /** Stops for good: closes the socket, fails pending requests with `closed`, state offline. */
  close(): Promise<void>;
  state(): TransportState;
  /** State with reconnect details; `onState` fires on every change of `state`. */
  connection(): ConnectionInfo;
  onState(listener: (state: TransportState) => void): () => void;
  /**
   * Live events after authentication, each with its seq. Pushes may be dropped under
   * backpressure; the transport then re-announces `online`, and the consumer pulls by seq
   * (changedChannels + fetchPage), exactly as after a reconnect.
   */
  onPush(listener: (event: WireEvent) => void): () => void;
  onMail(listener: (message: MailboxMessage) => void): () => void;
  /** The directory grew to position `pos` (a roster, revocation, device...): fetch with getRecords. */
  onDirectory(listener: (pos: number) => void): () => void;
  /**
   * Org-signed wipe orders for this device, delivered even after it was revoked (just before the
   * refusal). Unverified here: the consumer checks them against the org root before wiping.
   */
  onWipe(listener: (records: Array<Record<string, unknown>>) => void): () => void;
  /** The relay refused this device for good (revoked, unknown): no more reconnects. */
  onFatal(listener: (error: TransportError) => void): () => void;

  /** Idempotent by client event id: a retry returns the seq and relay time of the first accepted publish. */
  publish(
    channelId: string,
    clientEventId: string,
    envelope: Uint8Array,
    options?: { blobs?: readonly string[] },
  ): Promise<PublishResult>;
  /** Latest seq of every channel the device may read whose head is past the given cursor. */
  changedChannels(cursors: Readonly<Record<string, number>>): Promise<Record<string, number>>;
  /** Up to `limit` events with seq > afterSeq, ascending. */
  fetchPage(channelId: string, afterSeq: number, limit: number): Promise<WireEvent[]>;
  /**
   * changedChannels for cursors of a known incarnation (null: none yet); the answer names the
   * relay's incarnation and, when it differs from the given one, its restore points.
   */
  changedSince(cursors: Readonly<Record<string, number>>, incarnation: string | null): Promise<ChangedHeads>;
  /** fetchPage with what the relay declares about the log (head, history start, incarnation). */
  readPage(channelId: string, afterSeq: number, limit: number): Promise<ChannelPage>;

  /** Stores once per (device, messageId). */
  sendMail(toDeviceId: string, messageId: string, payload: Uint8Array): Promise<void>;
  fetchMail(limit: number): Promise<MailboxMessage[]>;
  ackMail(messageIds: readonly string[]): Promise<void>;

  /** Uploads ciphertext; content addressed (hex SHA-256). Resumes after a drop from what the relay holds. */
  putBlob(bytes: Uint8Array, options?: BlobOptions): Promise<{ hash: string }>;
  /** Downloads and checks the hash; resumes after a drop from the bytes already received. */
  getBlob(hash: string, options?: BlobOptions): Promise<Uint8Array>;
  /**
   * Drops this device's blobs that no event names (an upload it will not share); blobs an event
   * references or another device uploaded stay. Resolves once the relay answered.
   */
  discardBlobs(hashes: readonly string[]): Promise<void>;

  /** Uploads a signed record (the relay verifies it against the org root before storing). */
  putRecord(record: Record<string, unknown>): Promise<void>;
  /** Directory records stored after position `after`, in order. */
  getRecords(after: number, limit: number): Promise<DirectoryPage>;
}

/** Small listener set shared by the implementations. */
export class Listeners<T> {
  readonly #set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }
  emit(value: T): void {
    for (const l of [...this.#set]) {
      try {
        l(value);
      } catch {
        // A listener's bug must not break the transport.
      }
    }
  }
}

/** How long a directory record upload rides out a lost connection before it is given up. */
export const RECORD_UPLOAD_TIMEOUT_MS = 20_000;
