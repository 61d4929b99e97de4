// The sync engine's crypto port on top of ChannelCrypto: seals with the device's sender chain
// (rotating and mailing key shares first when needed) and opens envelopes into store events.
//
// The plaintext inside an envelope is JSON { sentAt, payload }. `sentAt` is the sender's clock,
// signed with the envelope: what the UI shows as the time of a message. Decisions that depend on
// time (poll deadlines) use the relay's acceptance time from the wire event instead (`relayAt`),
// because a sender controls their own clock. `writtenAtRelay` (optional) is the time of writing in
// relay time as the sender estimated it (sync/relay-clock.ts): what a late delivery is judged by.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { fromBase64Url, utf8 } from '@klinikfunk/protocol/wire/bytes.ts';
import type { ChannelCrypto, KeyShare } from '../crypto/channel-crypto.ts';
import type { Directory } from '@klinikfunk/crypto/directory.ts';
import type { Logger } from '../log/logger.ts';
import type { RelayClock } from '../sync/relay-clock.ts';
import type { OpenResult, OutboxItem, SealedOutgoing, SyncCrypto, WireEvent } from '../sync/ports.ts';
import type { Transport } from '../transport/transport.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export interface SyncCryptoDeps {
  crypto: ChannelCrypto;
  directory: Directory;
  transport: Pick<Transport, 'sendMail'>;
  log: Logger;
  /** The envelope names a roster epoch or device this device has not seen: refresh the directory. */
  onDirectoryBehind?: (channelId: string) => void;
  /** No chain key for this envelope (its share never arrived): ask its sender device. */
  onMissingKey?: (chain: {
    channelId: string;
    epoch: number;
    senderDeviceId: string;
    generation: number;
    index: number;
  }) => void;
  /** The offset to the relay's clock, for `writtenAtRelay`; without it the field is left out. */
  relayClock?: Pick<RelayClock, 'toRelay'>;
}

const time = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** The signed plaintext around an event's payload; unknown fields are ignored (a newer sender's additions). */
const innerSchema = z.object({
  sentAt: z.number().int().safe(),
  writtenAtRelay: time.optional(),
  payload: z.unknown(),
});

/**
 * Mails key shares and records each one the relay acknowledged as shared. A share that fails
 * (mailbox full, connection lost) stays owed: `pendingShares` offers it again with the next send,
 * on reconnect and on request. Never throws; returns how many went out.
 */
export async function mailShares(
  crypto: Pick<ChannelCrypto, 'markShared'>,
  transport: Pick<Transport, 'sendMail'>,
  shares: readonly KeyShare[],
  log: Logger,
): Promise<number> {
  if (shares.length === 0) return 0;
  const results = await Promise.allSettled(
    shares.map((share) => transport.sendMail(share.recipientDeviceId, randomUUID(), share.envelope)),
  );
  const sent = shares.filter((_, i) => results[i]!.status === 'fulfilled');
  crypto.markShared(sent);
  results.forEach((result, i) => {
    if (result.status === 'rejected') {
      log.warn('key share not sent, will retry', {
        channelId: shares[i]!.chain.channelId,
        recipientDeviceId: shares[i]!.recipientDeviceId,
        error: loggable(result.reason),
      });
    }
  });
  return sent.length;
}

/** Reasons that mean "this device's directory is behind", not "this envelope is bad". */
const DIRECTORY_BEHIND = new Set(['future_epoch', 'unknown_sender']);

export function clientEventIdBytes(id: string): Uint8Array {
  const bytes = fromBase64Url(id);
  if (!bytes || bytes.length !== 16) throw new Error(`client event id must be 16 bytes in base64url: ${id}`);
  return bytes;
}

type Opened = ReturnType<ChannelCrypto['open']>;

/** An envelope that did not open: its key or the directory may come later (pending), or it is bad. */
function notOpened(deps: SyncCryptoDeps, channelId: string, outcome: Opened & { ok: false }): OpenResult {
  if (outcome.reason === 'missing_key') {
    const h = outcome.header;
    deps.onMissingKey?.({
      channelId,
      epoch: h.epoch,
      senderDeviceId: h.senderDeviceId,
      generation: h.generation,
      index: h.index,
    });
    return { kind: 'missing_key', detail: 'chain key not received yet' };
  }
  if (DIRECTORY_BEHIND.has(outcome.reason)) {
    // Kept as pending and opened again after the directory caught up.
    deps.onDirectoryBehind?.(channelId);
    return { kind: 'missing_key', detail: outcome.reason };
  }
  return { kind: 'rejected', reason: outcome.reason };
}

/** What the sync engine gets for one opened (or not) envelope: the event with its inner fields checked. */
function toResult(deps: SyncCryptoDeps, wire: WireEvent, outcome: Opened): OpenResult {
  const { channelId, seq } = wire;
  if (!outcome.ok) return notOpened(deps, channelId, outcome);
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(outcome.payload));
  } catch {
    return { kind: 'rejected', reason: 'payload is not JSON' };
  }
  const parsed = innerSchema.safeParse(json);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path[0];
    return { kind: 'rejected', reason: field === 'writtenAtRelay' ? 'bad writtenAtRelay' : 'payload without sentAt' };
  }
  const inner = parsed.data;
  return {
    kind: 'event',
    event: {
      eventId: outcome.clientEventId,
      channelId,
      seq,
      senderDeviceId: outcome.header.senderDeviceId,
      senderUserId: outcome.senderUserId,
      createdAt: inner.sentAt,
      relayAt: wire.at ?? null,
      writtenAtRelay: inner.writtenAtRelay ?? null,
      epoch: outcome.header.epoch,
      contentType: outcome.header.contentType,
      payload: inner.payload,
    },
  };
}

export function createSyncCrypto(deps: SyncCryptoDeps): SyncCrypto {
  return {
    async seal(item: OutboxItem): Promise<SealedOutgoing> {
      // Shares go out before the envelope: a new chain's, or any still owed from earlier sends.
      // A member whose share failed keeps the envelope as pending; the next send, a reconnect or
      // its own key request brings the share (from the chain's start), so one full mailbox does
      // not hold up the channel for everyone else.
      const shares = deps.crypto.needsNewChain(item.channelId)
        ? deps.crypto.rotate(item.channelId)
        : deps.crypto.pendingShares(item.channelId);
      await mailShares(deps.crypto, deps.transport, shares, deps.log);
      // Estimated when sealed (the first attempt, or again for a new epoch) with the offset known
      // then: the time of writing is the item's, so a message queued through an outage still
      // reads as written before it, however long the relay was away.
      const writtenAtRelay = deps.relayClock?.toRelay(item.createdAt) ?? null;
      const inner =
        writtenAtRelay === null
          ? { sentAt: item.createdAt, payload: item.payload }
          : { sentAt: item.createdAt, writtenAtRelay, payload: item.payload };
      const plaintext = utf8.encode(JSON.stringify(inner));
      const sealed = await deps.crypto.seal(
        item.channelId,
        item.contentType,
        clientEventIdBytes(item.clientEventId),
        plaintext,
      );
      return writtenAtRelay === null ? sealed : { ...sealed, writtenAtRelay };
    },
    isCurrentEpoch(channelId: string, epoch: number): boolean {
      return epoch === deps.directory.currentEpoch(channelId);
    },
    isMember(channelId: string): boolean {
      return deps.crypto.isMember(channelId);
    },
    async open(wire: WireEvent): Promise<OpenResult> {
      return toResult(deps, wire, deps.crypto.open(wire.channelId, wire.envelope, wire.seq));
    },
    async openPage(wires: readonly WireEvent[]): Promise<OpenResult[]> {
      if (wires.length === 0) return [];
      const channelId = wires[0]!.channelId;
      const outcomes = await deps.crypto.openBatch(
        channelId,
        wires.map((w) => w.envelope),
        wires.map((w) => w.seq),
      );
      return outcomes.map((outcome, i) => toResult(deps, wires[i]!, outcome));
    },
  };
}
