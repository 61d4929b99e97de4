// Requests of an authenticated device about escalations of urgent messages (docs/relay-protocol.md,
// "Escalations"): esc_put hands the relay pre-sealed items with their delays and the hash of an
// acknowledgement token; esc_ack shows the token and stops what is still pending.
import { createHash } from 'node:crypto';
import type { ClientFrame } from '@klinikfunk/protocol/relay/frames.ts';
import type { RequestScope } from './connection-context.ts';
import { FrameError, unb64 } from './frame-error.ts';

/** SHA-256 of an acknowledgement token, as the sender computed the hash it handed over. */
export const tokenHashOf = (token: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(token).digest());

export async function escalationPut(scope: RequestScope, frame: Extract<ClientFrame, { t: 'esc_put' }>): Promise<void> {
  const { device, ctx } = scope;
  const seen = new Set<string>();
  for (const step of frame.steps)
    for (const item of step.items) {
      if (!ctx.trust.isActive(item.toDeviceId))
        throw new FrameError('not_found', `no such active device: ${item.toDeviceId}`);
      // Every item ends up in a mailbox under its message id: two with one id would lose one.
      const key = `${item.toDeviceId}/${item.messageId}`;
      if (seen.has(key)) throw new FrameError('bad_frame', 'two escalation items for one device and message id');
      seen.add(key);
    }
  const now = ctx.now();
  const result = await ctx.store.escalations.put(
    {
      escalationId: frame.escalationId,
      fromDeviceId: device.deviceId,
      tokenHash: unb64(frame.tokenHash),
      createdAt: now,
      steps: frame.steps.map((step) => ({
        deadline: now + step.delayMs,
        items: step.items.map((i) => ({ toDeviceId: i.toDeviceId, messageId: i.messageId, payload: unb64(i.payload) })),
      })),
    },
    ctx.limits.maxPendingEscalationsPerDevice,
  );
  if (result === 'taken') throw new FrameError('conflict', 'another device holds this escalation id');
  if (result === 'sender_full')
    throw new FrameError(
      'quota_exceeded',
      `this device has ${ctx.limits.maxPendingEscalationsPerDevice} escalations pending; they must be acknowledged or released first`,
    );
  scope.log.debug('escalation taken', { escalation: frame.escalationId, steps: frame.steps.length, result });
  scope.send({ t: 'ok', id: frame.id });
}

export async function escalationAck(scope: RequestScope, frame: Extract<ClientFrame, { t: 'esc_ack' }>): Promise<void> {
  const { ctx } = scope;
  const outcome = await ctx.store.escalations.ack(frame.escalationId, tokenHashOf(unb64(frame.token)), ctx.now());
  switch (outcome.result) {
    case 'not_found':
      throw new FrameError('not_found', 'no such escalation');
    case 'bad_token':
      // Logged with the device: a wrong token is a bug or somebody trying to silence an alarm.
      scope.log.warn('escalation token refused', { escalation: frame.escalationId, device: scope.device.deviceId });
      throw new FrameError('not_permitted', 'the token does not belong to this escalation');
    case 'already':
      break;
    case 'stopped':
      scope.log.info('escalation stopped', { escalation: frame.escalationId, dropped: outcome.dropped });
      break;
  }
  scope.send({ t: 'ok', id: frame.id });
}
