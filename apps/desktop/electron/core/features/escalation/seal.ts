// Seals an escalation plan (plan.ts) for the relay: a fresh escalation id and acknowledgement
// token, and per step one direct envelope (crypto/direct.ts) to each recipient device carrying
// the message and the token, and one to each of the sender's own devices saying which step went
// out. The relay gets only the token's SHA-256 (docs/relay-protocol.md "Escalations").
import {
  ESCALATION_CONTENT_TYPE,
  MAX_ESCALATION_BODY,
  type EscalationContent,
} from '@klinikfunk/protocol/domain/escalation.ts';
import { MAX_ESCALATION_ITEMS } from '@klinikfunk/protocol/relay/frames.ts';
import { toBase64Url, utf8 } from '@klinikfunk/protocol/wire/bytes.ts';
import type { DeviceBoxKey, DeviceSigningKey } from '@klinikfunk/crypto/keys.ts';
import { sodium } from '@klinikfunk/crypto/sodium.ts';
import { sealDirect } from '../../crypto/direct.ts';
import type { SealedEscalation, SealedEscalationItem } from '../../transport/escalation-frames.ts';
import type { EscalationPlan, RecipientDevice } from './plan.ts';

export interface UrgentMessage {
  channelId: string;
  messageId: string;
  senderUserId: string;
  /** Where it went first (the conversation's role). */
  fromName: string;
  body: string;
  sentAt: number;
}

export interface Sender {
  deviceId: string;
  orgIdRaw: Uint8Array;
  signingKey: DeviceSigningKey;
  boxKey: DeviceBoxKey;
  /** The sender's devices (this one too): each gets the notice of every step. */
  ownDevices: RecipientDevice[];
}

export interface SealedForRelay {
  sealed: SealedEscalation;
  /** The acknowledgement token: goes into the urgent message for its recipients, never to the relay. */
  token: Uint8Array;
}

/** SHA-256, as the relay hashes a shown token. */
export const escalationTokenHash = (token: Uint8Array): Uint8Array => sodium().crypto_hash_sha256(token);

/** The message cut to what a step may carry, on a character boundary. */
export function stepBody(body: string): string {
  const chars = [...body];
  return chars.length <= MAX_ESCALATION_BODY ? body : `${chars.slice(0, MAX_ESCALATION_BODY - 1).join('')}…`;
}

export function sealEscalation(plan: EscalationPlan, message: UrgentMessage, sender: Sender): SealedForRelay | null {
  if (plan.steps.length === 0) return null;
  const s = sodium();
  const escalationId = toBase64Url(s.randombytes_buf(16));
  const token = s.randombytes_buf(32);
  const seal = (to: RecipientDevice, content: EscalationContent, n: number): SealedEscalationItem => ({
    toDeviceId: to.deviceId,
    messageId: `${escalationId}-${content.step}-${n}`,
    payload: sealDirect(
      {
        orgIdRaw: sender.orgIdRaw,
        senderDeviceId: sender.deviceId,
        recipientDeviceId: to.deviceId,
        contentType: ESCALATION_CONTENT_TYPE,
        sentAt: message.sentAt,
      },
      utf8.encode(JSON.stringify(content)),
      { signingKey: sender.signingKey, boxKey: sender.boxKey },
      to.boxPublicKey,
    ),
  });
  const steps = plan.steps.map((p) => {
    const where = { step: p.step, roleId: p.roleId, roleName: p.roleName, escalationId };
    // The relay holds at most MAX_ESCALATION_ITEMS per step: the sender's notices first, then as many holders' devices as fit.
    const recipients = p.devices
      .filter((d) => !sender.ownDevices.some((o) => o.deviceId === d.deviceId))
      .slice(0, Math.max(0, MAX_ESCALATION_ITEMS - sender.ownDevices.length));
    const items = [
      ...recipients.map((d, i) =>
        seal(
          d,
          {
            type: 'escalation.step',
            ...where,
            token: toBase64Url(token),
            channelId: message.channelId,
            messageId: message.messageId,
            senderUserId: message.senderUserId,
            fromName: message.fromName,
            body: stepBody(message.body),
            sentAt: message.sentAt,
          },
          i,
        ),
      ),
      ...sender.ownDevices.map((d, i) =>
        seal(
          d,
          { type: 'escalation.notice', ...where, channelId: message.channelId, messageId: message.messageId },
          recipients.length + i,
        ),
      ),
    ];
    return { delayMs: p.delayMs, items };
  });
  return { sealed: { escalationId, tokenHash: escalationTokenHash(token), steps }, token };
}
