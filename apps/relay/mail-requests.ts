// Requests of an authenticated device about the device mailbox (key shares and other device-to-
// device items): put with its quotas, fetch and acknowledge.
import { MAX_MAILBOX_BYTES, type ClientFrame } from '@klinikfunk/protocol/relay/frames.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RequestScope } from './connection-context.ts';
import { FrameError, unb64 } from './frame-error.ts';
import type { RelayLimits } from './limits.ts';
import type { MailQuotaHit } from './store/store.ts';

const MAIL_QUOTA_TEXT: Record<MailQuotaHit, (l: RelayLimits) => string> = {
  sender_recipient_full: (l) =>
    `this device has ${l.maxMailboxItemsPerPair} items waiting for the recipient; it must fetch them first`,
  sender_full: (l) =>
    `this device has ${l.maxMailboxItemsPerSender} mailbox items waiting in all; recipients must fetch them first`,
  recipient_full: (l) => `the recipient mailbox is full (${l.maxMailboxItems} items)`,
};

export async function mailPut(scope: RequestScope, frame: Extract<ClientFrame, { t: 'mail_put' }>): Promise<void> {
  const { device } = scope;
  const { store, trust } = scope.ctx;
  if (!trust.isActive(frame.toDeviceId)) throw new FrameError('not_found', 'no such active device');
  const payload = unb64(frame.payload);
  if (payload.length > MAX_MAILBOX_BYTES) throw new FrameError('too_large', 'mailbox payload too large');
  const { limits } = scope.ctx;
  const storedAt = Date.now();
  const fresh = await store.mailPut(frame.toDeviceId, frame.messageId, device.deviceId, payload, storedAt, {
    perRecipient: limits.maxMailboxItems,
    perSenderRecipient: limits.maxMailboxItemsPerPair,
    perSender: limits.maxMailboxItemsPerSender,
  });
  if (typeof fresh === 'string') throw new FrameError('quota_exceeded', MAIL_QUOTA_TEXT[fresh](limits));
  scope.send({ t: 'ok', id: frame.id });
  if (fresh)
    scope.ctx.mailed(frame.toDeviceId, {
      messageId: frame.messageId,
      fromDeviceId: device.deviceId,
      payload,
      storedAt,
    });
}

export async function mailFetch(scope: RequestScope, frame: Extract<ClientFrame, { t: 'mail_fetch' }>): Promise<void> {
  const { device } = scope;
  const { store } = scope.ctx;
  const items = await store.mailFetch(device.deviceId, frame.limit);
  return scope.send({
    t: 'mail',
    id: frame.id,
    items: items.map((i) => ({
      messageId: i.messageId,
      fromDeviceId: i.fromDeviceId,
      payload: toBase64Url(i.payload),
      storedAt: i.storedAt,
    })),
  });
}

export async function mailAck(scope: RequestScope, frame: Extract<ClientFrame, { t: 'mail_ack' }>): Promise<void> {
  const { device } = scope;
  const { store } = scope.ctx;
  await store.mailAck(device.deviceId, frame.messageIds);
  return scope.send({ t: 'ok', id: frame.id });
}
