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
  /** The relay incarnation the seq belongs to (live pushes; absent from a transport that has none). */
  incarnation?: string;
}

/** One page of a channel's log, with what the relay declares about the log around it. */
export interface WirePage {
  /** Ascending, seq > the `afterSeq` asked for. */
  events: WireEvent[];
  /** The channel's head when the page was read: a short page that ends below it has a gap. */
  head: number;
  /** Seqs below this were deleted by the relay's retention (declared, never served again); 1 = none. */
  historyStart: number;
  /**
   * Seqs a relay restore skipped (declared gone, ascending): never served, nothing lost, so
   * neither a gap nor a history start. Absent: none.
   */
  gone?: GapRange[];
  /** The relay incarnation the seqs belong to; null from a transport that has none. */
  incarnation: string | null;
}

/** Heads past the device's cursors, and the relay's incarnation. */
export interface ChangedHeads {
  heads: Record<string, number>;
  incarnation: string | null;
  /**
   * When the device named another incarnation: per channel, the last seq both may share (the
   * relay's restore point). Cursors above it go back to it; own events above it are sent again.
   */
  bases?: Record<string, number>;
}

/** Seqs `from`..`to` (inclusive) the relay did not deliver and did not declare gone. */
export interface GapRange {
  from: number;
  to: number;
}

export type TransportState = 'offline' | 'connecting' | 'online';

/**
 * A publish the relay refuses for good (the sender is no longer a member, the event is too large
 * or names a blob the sender may not use): sending the same bytes again can never succeed, so the
 * outbox takes it out of the queue instead of retrying it forever in front of the channel's next ones.
 */
export interface PublishRefusal {
  readonly refusedForGood: true;
  /** The relay's stable error code (docs/relay-protocol.md). */
  readonly code: string;
}

export function isPublishRefusal(error: unknown): error is PublishRefusal {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { refusedForGood?: unknown }).refusedForGood === true &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

export interface SyncTransport {
  state(): TransportState;
  onState(listener: (state: TransportState) => void): () => void;
  /** Live events after catch-up; each carries its seq so the engine can spot gaps. */
  onPush(listener: (event: WireEvent) => void): () => void;
  /** Idempotent by client event id: a retry returns the seq (and relay time) of the first accepted publish. */
  /** `blobs`: relay blobs the event refers to, so the relay keeps them as long as the event (blob GC). */
  /** `incarnation`: the relay incarnation whose durable store holds the event. */
  /** Rejects with a `PublishRefusal` when the relay will never take this event; anything else is retried. */
  publish(
    channelId: string,
    clientEventId: string,
    envelope: Uint8Array,
    options?: { blobs?: readonly string[] },
  ): Promise<{ seq: number; at?: number; incarnation?: string }>;
  /**
   * Latest seq of every channel the device may read whose head is past the given cursor, and the
   * relay's incarnation; `incarnation` is the one the cursors belong to (null: none known yet).
   */
  changedSince(cursors: Readonly<Record<string, number>>, incarnation: string | null): Promise<ChangedHeads>;
  /** Up to `limit` events with seq > afterSeq, ascending, with the head and declared history start. */
  readPage(channelId: string, afterSeq: number, limit: number): Promise<WirePage>;
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
  /** When it was written, in relay time as the sender estimated it (signed `writtenAtRelay`); null from older senders. */
  writtenAtRelay?: number | null;
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
  /** The time of writing in relay time sealed into it (absent: the offset to the relay was not known yet). */
  writtenAtRelay?: number;
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
  /**
   * The channel's current signed roster, as this device holds it, names its user. A relay's
   * `not_member` is final only when it does not: else the relay lacks that roster (restored from
   * a backup before it, or another relay process has not read it yet) and takes the event once a
   * device gave the roster back.
   */
  isMember(channelId: string): boolean;
  open(event: WireEvent): Promise<OpenResult>;
  /** A whole page in order (catch-up); implementations may verify signatures together. */
  openPage?(events: readonly WireEvent[]): Promise<OpenResult[]>;
}

export interface ApplyBatch {
  events: DecryptedEvent[];
  /** Envelopes that could not be decrypted yet: stored, retried when keys arrive. */
  pending: WireEvent[];
  /** Advanced in the same transaction as the events (never moved back). */
  newCursor: number;
  /** The relay declared that the channel's history starts here (retention): kept for the timeline. */
  historyStart?: number;
  /** The channel's undeclared gaps after this batch (the whole list; absent: unchanged). */
  gaps?: GapRange[];
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
  /**
   * The relay refused the item for good (`code`): it leaves the queue and its queued effect is
   * undone; an own message stays, marked as not sent, and can be queued again by the user.
   */
  markRefused(clientEventId: string, code: string): Promise<void>;
  /**
   * The relay accepted the item at `seq` and relay time `relayAt` (null or absent when the
   * transport gave none), in relay incarnation `incarnation`. The sealed bytes are kept a while
   * (sent log), so the item can be sent again if that incarnation is lost to a restore.
   */
  markSent(clientEventId: string, seq: number, relayAt?: number | null, incarnation?: string | null): Promise<void>;
  cursors(): Promise<Record<string, number>>;
  /** Undeclared gaps per channel, still to be fetched again. */
  gaps(): Promise<Record<string, GapRange[]>>;
  /** The relay incarnation the cursors belong to (null before the first sync). */
  incarnation(): Promise<string | null>;
  /**
   * Takes on another relay incarnation, in one transaction. With `bases` (the relay was restored):
   * per channel (one the relay did not list counts as base 0: it may have lost the channel's
   * roster too), a cursor above its base goes back to it, gaps and pending envelopes above
   * it are dropped, and this device's own events sent in another incarnation with a seq above it
   * go back to the outbox (in their old order, before anything queued since), shown as sending.
   * Returns how many events were queued again.
   */
  adoptIncarnation(incarnation: string, bases: Readonly<Record<string, number>> | null): Promise<{ requeued: number }>;
  applyBatch(channelId: string, batch: ApplyBatch): Promise<void>;
  pending(channelId: string): Promise<WireEvent[]>;
  /** Replaces pending envelopes by their decrypted events (or drops rejected ones). */
  resolvePending(channelId: string, resolved: DecryptedEvent[], droppedSeqs: number[]): Promise<void>;
}
