// The messages of the outbox-kill test, shared by the test and its child process.
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';

export const outboxEventId = (i: number) => `evtoutbox${String(i).padStart(5, '0')}`;

export type OutboxMessage = ChannelEvent & { payload: Extract<ChannelEvent['payload'], { type: 'message.create' }> };

export function outboxMessage(channelId: string, deviceId: string, i: number): OutboxMessage {
  return {
    eventId: outboxEventId(i),
    channelId,
    seq: null,
    senderUserId: deviceId,
    senderDeviceId: deviceId,
    createdAt: 1_700_000_000_000 + i,
    payload: { type: 'message.create', body: `Ausgang ${i}`, mentions: [], replyTo: null, urgent: false },
  };
}
