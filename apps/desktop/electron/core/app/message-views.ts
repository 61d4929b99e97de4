// Store rows to the renderer's view of a message: sender names from the directory, the quoted
// message's excerpt, acknowledgement counts of urgent messages. Bodies stay plain text.
import type { MessageView } from '@klinikfunk/protocol/api/contract.ts';
import type { Db } from '../store/database.ts';
import type { MessageRow } from '../store/messages.ts';
import { lateDelivery } from './late-delivery.ts';

const EXCERPT_CHARS = 140;

export interface ViewContext {
  db: Db;
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

export function toMessageViews(ctx: ViewContext, channelId: string, rows: MessageRow[]): MessageView[] {
  const memberCount = (ctx.db.prepare('SELECT count(*) FROM channel_members WHERE channel_id = ?').pluck().get(channelId) as number) ?? 0;
  const quote = ctx.db.prepare(
    'SELECT m.body, m.deleted_at, u.display_name AS name FROM messages m LEFT JOIN users u ON u.user_id = m.sender_user_id WHERE m.channel_id = ? AND m.message_id = ?',
  );
  const acks = ctx.db.prepare('SELECT user_id FROM message_acks WHERE channel_id = ? AND message_id = ?').pluck();
  // The relay's time of the message itself (its create event) and when it was written in relay
  // time, for "geschrieben … · zugestellt …".
  const times = ctx.db.prepare('SELECT relay_at, written_at_relay FROM events WHERE channel_id = ? AND event_id = ?');
  const readers = ctx.db
    .prepare('SELECT count(*) FROM read_receipts r JOIN channel_members m USING (channel_id, user_id) WHERE r.channel_id = ? AND r.up_to_seq >= ? AND r.user_id != ?')
    .pluck();
  return rows.map((row): MessageView => {
    let replyTo: MessageView['replyTo'] = null;
    if (row.replyTo) {
      const q = quote.get(channelId, row.replyTo) as { body: string; deleted_at: number | null; name: string | null } | undefined;
      replyTo = q
        ? { messageId: row.replyTo, senderName: q.name ?? ctx.unknownName, excerpt: q.body.slice(0, EXCERPT_CHARS), deleted: q.deleted_at !== null }
        : { messageId: row.replyTo, senderName: ctx.unknownName, excerpt: '', deleted: true };
    }
    let ack: MessageView['ack'] = null;
    if (row.urgent && row.deletedAt === null) {
      const ackers = acks.all(channelId, row.messageId) as string[];
      const others = ackers.filter((u) => u !== row.senderUserId);
      ack = { acked: others.length, total: Math.max(0, memberCount - 1), mine: ackers.includes(ctx.myUserId) };
    }
    const event = times.get(channelId, row.messageId) as { relay_at: number | null; written_at_relay: number | null } | undefined;
    const deliveredAt = event?.relay_at ?? null;
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
      readBy:
        ctx.readReceipts && row.senderUserId === ctx.myUserId && row.seq !== null && row.deletedAt === null
          ? { read: readers.get(channelId, row.seq, ctx.myUserId) as number, total: Math.max(0, memberCount - 1) }
          : null,
      editedAt: row.editedAt,
      deleted: row.deletedAt !== null,
      delivery: row.delivery,
      refusal: refusalOf(row.refusedCode),
      deliveredAt,
      late: lateDelivery({ createdAt: row.createdAt, relayAt: deliveredAt, writtenAtRelay: event?.written_at_relay ?? null }, ctx.lateDeliveryMs),
    };
  });
}
