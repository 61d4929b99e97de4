// How one message is shown: the view messages.page returns and messages.changed carries (change-events.ts).
// Bodies travel as plain text; the renderer formats them itself and never inserts HTML.
import { z } from 'zod';
import { channelId, messageId, userId } from '../common.ts';

export const messageViewSchema = z.object({
  messageId,
  channelId,
  seq: z.number().int().nullable(),
  sortKey: z.number(),
  senderUserId: userId,
  senderName: z.string(),
  own: z.boolean(),
  createdAt: z.number().int(),
  body: z.string(),
  mentions: z.array(userId),
  /** Mentions the signed-in user. */
  mentionsMe: z.boolean(),
  replyTo: z.object({ messageId, senderName: z.string(), excerpt: z.string(), deleted: z.boolean() }).nullable(),
  urgent: z.boolean(),
  /** For urgent messages: how many members acknowledged, of how many, and whether I did. */
  ack: z.object({ acked: z.number().int(), total: z.number().int(), mine: z.boolean() }).nullable(),
  /** Own messages, only while the organisation turns read receipts on: members who read it, of how many. */
  readBy: z.object({ read: z.number().int(), total: z.number().int() }).nullable(),
  editedAt: z.number().int().nullable(),
  deleted: z.boolean(),
  delivery: z.enum(['sending', 'sent', 'failed']),
  /**
   * Failed because the relay refused it for good (never retried by itself): the sender is no
   * longer a member, it is too large, or another refusal; null while it may still go out.
   */
  refusal: z.enum(['not_member', 'too_large', 'refused']).nullable(),
  /** When the relay accepted it (its clock), null while unsent or for events stored before relays stamped them. */
  deliveredAt: z.number().int().nullable(),
  /**
   * Delivered much later than written (an outage): both times on the relay's clock, so a sender's
   * wrong clock neither fakes nor hides it (apps/desktop/electron/core/app/late-delivery.ts); null otherwise.
   */
  late: z.object({ writtenAt: z.number().int(), deliveredAt: z.number().int() }).nullable(),
});

export type MessageView = z.output<typeof messageViewSchema>;
