// Message views for the renderer's window tests: one a minute from 08:00 UTC, sort key = seq.
import type { MessageView } from '@klinikfunk/protocol/api/contract.ts';

export const message = (sortKey: number, over: Partial<MessageView> = {}): MessageView => ({
  messageId: `msg${String(sortKey).padStart(8, '0')}`,
  channelId: 'chn00000001',
  seq: sortKey,
  sortKey,
  senderUserId: 'usr00000001',
  senderName: 'Anna',
  own: false,
  createdAt: Date.UTC(2026, 11, 1, 8) + sortKey * 60_000,
  body: `Nachricht ${sortKey}`,
  mentions: [],
  mentionsMe: false,
  replyTo: null,
  urgent: false,
  ack: null,
  readBy: null,
  editedAt: null,
  deleted: false,
  delivery: 'sent',
  deliveredAt: null,
  late: null,
  refusal: null,
  ...over,
});
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i));
