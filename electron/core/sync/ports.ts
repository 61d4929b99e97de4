// What the sync engine needs from its neighbours, and nothing more. The transport, the crypto
// layer and the encrypted store each satisfy one of these through a thin adapter, so the engine
// can be tested against in-memory twins and a third transport (e.g. Matrix) fits without
// touching it.

/** One ciphertext event as the relay orders it: per channel, gapless seq from 1. */
export interface WireEvent {
  channelId: string;
  seq: number;
  envelope: Uint8Array;
  /** Relay time: when the relay accepted it (ms since epoch), the clock deadlines are judged by. */
  at?: number;
}

export type TransportState = 'offline' | 'connecting' | 'online';

export interface SyncTransport {
  state(): TransportState;
  onState(listener: (state: TransportState) => void): () => void;
  /** Live events after catch-up; each carries its seq so the engine can spot gaps. */
  onPush(listener: (event: WireEvent) => void): () => void;
  /** Idempotent by client event id: a retry returns the seq (and relay time) of the first accepted publish. */
  /** `blobs`: relay blobs the event refers to, so the relay keeps them as long as the event (blob GC). */
  publish(channelId: string, clientEventId: string, envelope: Uint8Array, options?: { blobs?: readonly string[] }): Promise<{ seq: number; at?: number }>;
  /** Latest seq of every channel the device may read whose head is past the given cursor. */
  changedChannels(cursors: Readonly<Record<string, number>>): Promise<Record<string, number>>;
  /** Up to `limit` events with seq > afterSeq, ascending. */
  fetchPage(channelId: string, afterSeq: number, limit: number): Promise<WireEvent[]>;
}

/** A decrypted, verified channel event, ready for the store. */
export interface DecryptedEvent {
  eventId: string;
  channelId: string;
  seq: number;
  senderDeviceId: string;
  senderUserId: string;
  /** The sender's clock (signed `sentAt`). */
  createdAt: number;
  /** The relay's acceptance time from the wire event; null or absent when the transport gave none. */
  relayAt?: number | null;
  /** The roster epoch named in the envelope header (authorisation decides by that roster). */
  epoch?: number | null;
  contentType: string;
  payload: unknown;
}

export type OpenResult =
  | { kind: 'event'; event: DecryptedEvent }
  /** The chain key for this sender/epoch has not arrived yet: keep the envelope and retry. */
  | { kind: 'missing_key'; detail: string }
  /** Forged, replayed, malformed...: never applied; logged with the reason. */
  | { kind: 'rejected'; reason: string };

export interface SealedOutgoing {
  envelope: Uint8Array;
  /** The channel epoch the envelope was sealed for. */
  epoch: number;
}

export interface OutboxItem {
  clientEventId: string;
  channelId: string;
  contentType: string;
  payload: unknown;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  /** Kept after the first seal, so a retry publishes the very same bytes (idempotent). */
  sealed: SealedOutgoing | null;
}

export interface SyncCrypto {
  seal(item: OutboxItem): Promise<SealedOutgoing>;
  /** False after a removal or revocation started a new epoch: the envelope must be sealed again. */
  isCurrentEpoch(channelId: string, epoch: number): boolean;
  open(event: WireEvent): Promise<OpenResult>;
  /** A whole page in order (catch-up); implementations may verify signatures together. */
  openPage?(events: readonly WireEvent[]): Promise<OpenResult[]>;
}

export interface ApplyBatch {
  events: DecryptedEvent[];
  /** Envelopes that could not be decrypted yet: stored, retried when keys arrive. */
  pending: WireEvent[];
  /** Advanced in the same transaction as the events. */
  newCursor: number;
}

export interface SyncStore {
  /**
   * Unsent items due at `now`, oldest first. Per channel only the head of the queue counts: when
   * a channel's oldest unsent item is still backing off, none of that channel's items are due,
   * so retries never overtake the message that failed.
   */
  dueOutbox(now: number, limit: number): Promise<OutboxItem[]>;
  /** When the next channel head becomes due, or null when the outbox is empty. */
  nextOutboxAttempt(): Promise<number | null>;
  saveSealed(clientEventId: string, sealed: SealedOutgoing): Promise<void>;
  recordFailure(clientEventId: string, nextAttemptAt: number, error: string): Promise<void>;
  /** The relay accepted the item at `seq` and relay time `relayAt` (null or absent when the transport gave none). */
  markSent(clientEventId: string, seq: number, relayAt?: number | null): Promise<void>;
  cursors(): Promise<Record<string, number>>;
  applyBatch(channelId: string, batch: ApplyBatch): Promise<void>;
  pending(channelId: string): Promise<WireEvent[]>;
  /** Replaces pending envelopes by their decrypted events (or drops rejected ones). */
  resolvePending(channelId: string, resolved: DecryptedEvent[], droppedSeqs: number[]): Promise<void>;
}
