// Store rows to the renderer's view of a message: sender names from the directory, the quoted
// message's excerpt, acknowledgement counts of urgent messages. Bodies stay plain text.
import type { MessageView } from '@klinikfunk/protocol/api/contract.ts';
import type { MessageRow } from '../../store/messages.ts';
import type { ProfileStore } from '../../store/profile-store.ts';
import { lateDelivery } from '../../app/late-delivery.ts';

const EXCERPT_CHARS = 140;

export interface ViewContext {
  store: ProfileStore;
  myUserId: string;
  unknownName: string;
  /** The organisation allows read receipts (signed org settings). */
  readReceipts: boolean;
  /** How much later than written a delivery shows both times (late-delivery.ts; short in tests). */
  lateDeliveryMs?: number;
}

/** The relay's code in the words the sender's screen has for it. */
function refusalOf(code: string | null): MessageView['refusal'] {
  if (code === null) return null;
  if (code === 'not_member') return 'not_member';
  if (code === 'too_large' || code === 'frame_too_large') return 'too_large';
  return 'refused';
}

export async function toMessageViews(ctx: ViewContext, channelId: string, rows: MessageRow[]): Promise<MessageView[]> {
  // One query for the whole page (store/message-details.ts): quotes, acks, relay times, readers.
  const { memberCount, recipientCount, details } = await ctx.store.messageDetails.of(
    channelId,
    rows.map((r) => r.messageId),
    { userId: ctx.myUserId, readReceipts: ctx.readReceipts },
  );
  return rows.map((row): MessageView => {
    const detail = details.get(row.messageId);
    let replyTo: MessageView['replyTo'] = null;
    if (row.replyTo) {
      const q = detail?.quote;
      replyTo = q
        ? {
            messageId: row.replyTo,
            senderName: q.senderName ?? ctx.unknownName,
            excerpt: q.body.slice(0, EXCERPT_CHARS),
            deleted: q.deletedAt !== null,
          }
        : { messageId: row.replyTo, senderName: ctx.unknownName, excerpt: '', deleted: true };
    }
    let ack: MessageView['ack'] = null;
    if (row.urgent && row.deletedAt === null) {
      const ackers = detail?.ackers ?? [];
      const others = ackers.filter((u) => u !== row.senderUserId);
      ack = { acked: others.length, total: Math.max(0, memberCount - 1), mine: ackers.includes(ctx.myUserId) };
    }
    const deliveredAt = detail?.relayAt ?? null;
    return {
      messageId: row.messageId,
      channelId: row.channelId,
      seq: row.seq,
      sortKey: row.sortKey,
      senderUserId: row.senderUserId,
      senderName: row.senderName ?? ctx.unknownName,
      own: row.senderUserId === ctx.myUserId,
      createdAt: row.createdAt,
      body: row.deletedAt === null ? row.body : '',
      mentions: row.mentions,
      mentionsMe: row.mentions.includes(ctx.myUserId),
      replyTo,
      urgent: row.urgent,
      ack,
      readBy: readState(ctx, row, detail?.readers ?? 0, recipientCount),
      editedAt: row.editedAt,
      deleted: row.deletedAt !== null,
      delivery: row.delivery,
      refusal: refusalOf(row.refusedCode),
      deliveredAt,
      late: lateDelivery(
        { createdAt: row.createdAt, relayAt: deliveredAt, writtenAtRelay: detail?.writtenAtRelay ?? null },
        ctx.lateDeliveryMs,
      ),
    };
  });
}

/**
 * Read status of an own sent message while receipts are on: read by how many of the other members
 * it reached (those with a device; a reader counts even if their device was revoked since, so n
 * never exceeds m). Null where it reached nobody: "Zugestellt" or "Gelesen von 0 von 0" would
 * claim what did not happen, and the message says "Gesendet" instead.
 */
function readState(ctx: ViewContext, row: MessageRow, readers: number, recipients: number): MessageView['readBy'] {
  if (!ctx.readReceipts || row.senderUserId !== ctx.myUserId || row.seq === null || row.deletedAt !== null) return null;
  const total = Math.max(recipients, readers);
  return total === 0 ? null : { read: readers, total };
}
