// What the relay keeps, behind one interface with two implementations: embedded SQLite (the
// default, one file in the data directory) and PostgreSQL (several relay processes share it).
// Both run the same contract test suite (tests/integration/relay/store-contract.test.ts).
//
// Everything stored is either ciphertext (envelopes, mailbox payloads, blobs) or a signed
// record that is public inside the organisation (directory). The relay stores no plaintext.
import { randomBytes, randomInt } from 'node:crypto';
import type { EscalationStore } from './escalation-store.ts';

export interface StoredEvent {
  seq: number;
  envelope: Uint8Array;
  /** Relay time: when the relay accepted the event (ms since epoch; the `stored_at` column). */
  at: number;
}

export interface AppendResult {
  seq: number;
  /** True when (channel, client event id) was stored before by the same sender; seq and at are the original ones. */
  duplicate: boolean;
  /**
   * True when another device's event in this channel holds the client event id: nothing stored,
   * seq and at are 0. A retry is answered from the event only if the same device sent it, so a
   * device that copies someone's client event id cannot pass its event off as theirs.
   */
  taken?: true;
  /**
   * Relay time, assigned in the insert transaction: the store's clock, but never before the
   * channel's previous event, so it does not decrease along seq when a clock steps back.
   */
  at: number;
}

/** What the relay can say about a channel's log besides its events. */
export interface ChannelHistory {
  head: number;
  /** Declared history start: seqs below it were deleted by retention or trim (1 when none were). */
  historyStart: number;
  /**
   * Restore point: the lowest head a `relay restore` left this channel at, over every restore in
   * this database's lineage (null: never restored). Seqs above it may differ from what a device
   * saw in an earlier incarnation.
   */
  base: number | null;
}

/** Seqs a restore skipped in one channel, both ends included. */
export interface GoneRange {
  from: number;
  to: number;
}
export { MAX_GONE_RANGES } from '@klinikfunk/protocol/relay/frames.ts';

/**
 * Where a restore moves every channel's seqs (docs/operations.md, "Backup and restore"): each head
 * becomes at least its own value plus RESTORE_JUMP and at least `atLeast`, the highest seq the
 * lost state had handed out in any channel (the high-water mark's seqHigh, store.seqHigh()) plus
 * RESTORE_JUMP. The mark may lag the crash window of up to 5 s, or come from another relay process
 * that stopped earlier, and without a mark nothing is known: the margin of 1,000,000 seqs covers
 * that (far above what the relay's rate limits let any channel take in such a window). Heads grow
 * by about the margin per restore, whatever the number of channels or how old the backup is, so
 * some 9 x 10^9 restores fit before a seq leaves JavaScript's safe integers.
 */
export const RESTORE_JUMP = 1_000_000;
export interface RestoreTarget {
  jump: number;
  atLeast: number;
}
export function restoreTarget(markSeqHigh: number | null): RestoreTarget {
  return { jump: RESTORE_JUMP, atLeast: markSeqHigh === null ? 0 : markSeqHigh + RESTORE_JUMP };
}

/** A new random incarnation id (docs/operations.md, "Backup and restore"). */
export function newIncarnation(): string {
  return randomBytes(12).toString('base64url');
}
export const INCARNATION_META = 'incarnation';
/**
 * relay_meta key: the seq every restore moved past. A channel the restored database lacks may have
 * handed out seqs before the restore too (it was created after the backup), so a channel's first
 * head row starts there, its seqs below declared gone.
 */
export const SEQ_FLOOR_META = 'seq_floor';
/** relay_meta key the readiness probe rewrites (probeWritable). */
export const PROBE_META = 'ready_probe';

/** When a device was last connected (presence, for the admin's device list). */
export interface DeviceSeenRow {
  deviceId: string;
  lastSeenAt: number;
  /** Connected when the row was written (a relay that crashed leaves it true: readers check its age). */
  online: boolean;
  /**
   * The protocol version and app version of the device's connection (written when it connects and
   * while it stays; absent on a disconnect row, which keeps the stored ones). Null app version:
   * the device reported none (protocol 3).
   */
  protocol?: number;
  appVersion?: string | null;
}

export interface AppendItem {
  channelId: string;
  clientEventId: string;
  senderDeviceId: string;
  envelope: Uint8Array;
  blobHashes?: readonly string[];
}

export interface MailboxItem {
  messageId: string;
  fromDeviceId: string;
  payload: Uint8Array;
  storedAt: number;
}

/** Per-mailbox caps checked inside the insert (mailPut), so concurrent puts cannot overshoot. */
export interface MailQuota {
  /** Items waiting for the recipient from all senders. */
  perRecipient: number;
  /** Items waiting for the recipient from this one sender. */
  perSenderRecipient: number;
  /** Items waiting from this sender across all recipients. */
  perSender: number;
}
/** Which cap a put hit. */
export type MailQuotaHit = 'recipient_full' | 'sender_recipient_full' | 'sender_full';

/** Who may read a blob: its uploader and the channels whose retained events reference it. */
export interface BlobAccess {
  ownerDeviceId: string;
  complete: boolean;
  channels: string[];
}

export interface BlobState {
  hash: string;
  size: number;
  received: number;
  complete: boolean;
  ownerDeviceId: string;
  /** Retained events that declared this blob when published. */
  refs: number;
  /** Random per row creation (blob_begin): a blob deleted and begun again has another one. */
  generation: number;
}

/** A fresh blob generation: 48 random bits, safe as a JavaScript number and as SQL integers. */
export function newBlobGeneration(): number {
  return randomInt(1, 2 ** 48);
}

export interface DirectoryEntry {
  /** Position in the directory log: increasing, and never visible out of order (a cursor). */
  pos: number;
  /** Record type (packages/protocol/wire records.ts). */
  type: string;
  /** Natural key the record is about (user id, device id, channel id...). */
  subject: string;
  /** The signed record as canonical JSON text. */
  json: string;
}

/** Commits somebody else made (another relay process on the same PostgreSQL): seqs from..to of one channel. */
export type CommitListener = (channelId: string, fromSeq: number, toSeq: number) => void;
export type DirectoryListener = (pos: number) => void;
export type MailListener = (toDeviceId: string) => void;

export interface RelayStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Urgent messages' pending escalations (escalation-store.ts). */
  readonly escalations: EscalationStore;

  /**
   * Appends an envelope to a channel's log. The seq is the channel's head + 1, assigned inside
   * the insert transaction (gapless, no two events share one). A retry with the same
   * (channel, client event id) stores nothing and returns the first seq.
   */
  append(
    channelId: string,
    clientEventId: string,
    senderDeviceId: string,
    envelope: Uint8Array,
    blobHashes?: readonly string[],
  ): Promise<AppendResult>;
  /**
   * Several appends in one transaction (group commit), results in input order. Same rules as
   * append; items of one channel get consecutive seqs in input order.
   */
  appendBatch(items: readonly AppendItem[]): Promise<AppendResult[]>;
  /** Head seq of each given channel (channels without events are left out). */
  heads(channelIds: readonly string[]): Promise<Map<string, number>>;
  /** Head, declared history start and restore point of each given channel that has a head. */
  histories(channelIds: readonly string[]): Promise<Map<string, ChannelHistory>>;
  /**
   * This database's incarnation: made at its first open and kept across restarts; only
   * `markRestored` changes it. Seqs and cursors are only comparable within one incarnation.
   */
  incarnation(): string;
  /**
   * `relay restore` (after the database was replaced by a backup, relays stopped): a new
   * incarnation, each channel's restore point lowered to its current head, and its head raised to
   * max(head + target.jump, target.atLeast) (restoreTarget), with the skipped seqs recorded as gone,
   * in one transaction: the lost state may have handed those seqs out already, so they are never
   * given again. Returns the new incarnation.
   */
  markRestored(target: RestoreTarget): Promise<string>;
  /** The highest seq handed out or skipped in any channel (the high-water mark's seqHigh). */
  seqHigh(): Promise<number>;
  /**
   * The channel's gone ranges (seqs skipped by a restore, never served) that meet
   * (afterSeq, upToSeq], ascending, at most MAX_GONE_RANGES.
   */
  goneRanges(channelId: string, afterSeq: number, upToSeq: number): Promise<GoneRange[]>;
  /**
   * The log's high-water mark: the sum of all channel heads. Only ever grows (heads never go
   * back, rows are never deleted), except when the database is put back to an older state:
   * apps/relay/high-water.ts compares it with the mark kept beside the database.
   */
  logHigh(): Promise<number>;
  /** Up to `limit` events with seq > afterSeq, ascending. */
  page(channelId: string, afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** One event by seq (fan-out of a commit another relay process made). */
  event(channelId: string, seq: number): Promise<StoredEvent | null>;
  /**
   * Deletes a channel's events up to and including seq (retention); the head stays, so seqs are
   * never reused, and the declared history start moves past them. Blob references held by the
   * deleted events are released.
   */
  trim(channelId: string, throughSeq: number): Promise<number>;

  /**
   * Retention: deletes every event stored before `cutoff` (all channels) and mailbox items
   * stored before it, releasing blob references. Heads stay, seqs are never reused; each
   * channel's declared history start moves past its highest deleted seq.
   */
  expire(cutoff: number): Promise<{ events: number; mail: number }>;

  /**
   * Stores once per (to, messageId); false when it was there already (checked before the
   * quota). With a quota, a put that would pass one of its caps stores nothing and names the cap.
   */
  mailPut(
    toDeviceId: string,
    messageId: string,
    fromDeviceId: string,
    payload: Uint8Array,
    now: number,
    quota?: MailQuota,
  ): Promise<boolean | MailQuotaHit>;
  mailFetch(toDeviceId: string, limit: number): Promise<MailboxItem[]>;
  /** Items waiting in a device's mailbox (the per-recipient cap). */
  mailCount(toDeviceId: string): Promise<number>;
  mailAck(toDeviceId: string, messageIds: readonly string[]): Promise<number>;
  /** Deletes mailbox items stored before `cutoff` (mail expiry, whatever the event retention). */
  mailExpire(cutoff: number): Promise<number>;

  /** Starts (or finds) an upload. Conflict when the hash is known with another size. */
  blobBegin(hash: string, size: number, ownerDeviceId: string, now: number): Promise<BlobState | 'conflict'>;
  blobState(hash: string): Promise<BlobState | null>;
  /**
   * Appends a chunk at exactly `offset` == received; returns the new state or 'conflict'. With
   * `ownerDeviceId`, only that device's upload takes the chunk ('not_owner' otherwise).
   */
  blobAppend(
    hash: string,
    offset: number,
    data: Uint8Array,
    ownerDeviceId?: string,
  ): Promise<BlobState | 'conflict' | 'not_owner'>;
  /** Owner and referencing channels of the blobs that exist among `hashes`. */
  blobAccess(hashes: readonly string[]): Promise<Map<string, BlobAccess>>;
  blobMarkComplete(hash: string): Promise<void>;
  blobRead(hash: string, offset: number, length: number): Promise<Uint8Array>;
  /** Bytes of all blobs (complete or not) the device owns. */
  blobUsage(ownerDeviceId: string): Promise<number>;
  /**
   * Removes those of `hashes` that `ownerDeviceId` uploaded and no event references (complete or
   * not), with their chunks: the owner dropped an upload it will not share. Returns how many.
   */
  blobDiscard(ownerDeviceId: string, hashes: readonly string[]): Promise<number>;
  /** Removes a blob and its chunks (a failed hash check or the GC hook). */
  blobDelete(hash: string): Promise<void>;
  /**
   * The GC hook: deletes complete blobs that no retained event references any more (and that
   * were completed before `unreferencedBefore`, so an upload has time to be published) and
   * incomplete uploads started before `incompleteBefore`. Returns the hashes removed.
   */
  blobGc(unreferencedBefore: number, incompleteBefore: number): Promise<string[]>;

  /** Appends a verified signed record; `dedupeKey` makes a re-upload of the same record a no-op. */
  dirPut(type: string, subject: string, dedupeKey: string, json: string): Promise<{ pos: number; duplicate: boolean }>;
  dirList(afterPos: number, limit: number): Promise<DirectoryEntry[]>;
  /** Notes that a device created a channel (its first roster), for the per-day cap. */
  noteChannelCreated(deviceId: string, channelId: string, at: number): Promise<void>;
  /** Channels the device created at or after `since`. */
  channelsCreatedSince(deviceId: string, since: number): Promise<number>;
  /** Marks a registration key as used; false when it was burnt before. */
  burnEnrolment(enrolmentId: string, deviceId: string): Promise<boolean>;

  /** Commits by other processes sharing this store, never this one's (PostgreSQL LISTEN/NOTIFY; a no-op for SQLite). */
  onRemoteCommit(listener: CommitListener): void;
  onRemoteDirectory(listener: DirectoryListener): void;
  onRemoteMail(listener: MailListener): void;

  /**
   * Records presence; a row older than the stored one changes nothing (two relay processes may
   * write for one device in either order).
   */
  markSeen(rows: readonly DeviceSeenRow[]): Promise<void>;
  /** Every device's presence row. */
  seenDevices(): Promise<DeviceSeenRow[]>;

  /** Small settings the relay keeps with its data (the organisation key after a bootstrap). */
  metaGet(key: string): Promise<string | null>;
  /** Sets a key only if it is not set yet; returns the value now stored. */
  metaSetOnce(key: string, value: string): Promise<string>;

  /** Cheap round trip to the database. Rejects when it is unreachable. */
  ping(): Promise<void>;
  /**
   * Readiness (/readyz): the schema is the one this relay writes, and a real write commits (a
   * row in relay_meta rewritten in a transaction: a full disk, a read-only file or a database
   * that is down fail it). Rejects with the reason otherwise.
   */
  probeWritable(): Promise<void>;
  /** Sizes for the metrics: mailbox items waiting and bytes of all blobs (complete or not). */
  usage(): Promise<{ mailboxItems: number; blobBytes: number }>;

  close(): Promise<void>;
}
