// A released escalation item as the recipient's device reads it from its mailbox: a direct
// envelope from a device of the organisation (checked against the directory before anything is
// opened), whose content must be an escalation step or notice (schema-checked); anything else is
// refused with a reason and never shown.
import { escalationContent, type EscalationContent } from '@klinikfunk/protocol/domain/escalation.ts';
import { fromBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { DeviceBoxKey } from '@klinikfunk/crypto/keys.ts';
import { openDirect, peekDirect } from '../../crypto/direct.ts';
import { ESCALATION_CONTENT_TYPE } from '@klinikfunk/protocol/domain/escalation.ts';

export type EscalationItemRefusal = 'not_escalation' | 'unknown_sender' | 'bad_envelope' | 'bad_content' | 'not_own';

export interface OpenedEscalation {
  content: EscalationContent;
  senderDeviceId: string;
  /** The relay time of the release (the mailbox item's storedAt). */
  releasedAt: number;
  /** For a step: the token's bytes, to acknowledge with. */
  token: Uint8Array | null;
}

export interface EscalationReader {
  deviceId: string;
  userId: string;
  boxKey: DeviceBoxKey;
  /** Signing and box keys of an active device of the organisation, and its user; null: unknown or revoked. */
  deviceKeys(deviceId: string): { userId: string; signingPublicKey: Uint8Array; boxPublicKey: Uint8Array } | null;
}

export function openEscalationItem(
  item: { payload: Uint8Array; storedAt: number },
  me: EscalationReader,
): { ok: true; opened: OpenedEscalation } | { ok: false; reason: EscalationItemRefusal } {
  const peeked = peekDirect(item.payload);
  if (!peeked.ok || peeked.header.contentType !== ESCALATION_CONTENT_TYPE)
    return { ok: false, reason: 'not_escalation' };
  const sender = me.deviceKeys(peeked.header.senderDeviceId);
  if (!sender) return { ok: false, reason: 'unknown_sender' };
  const opened = openDirect(item.payload, { deviceId: me.deviceId, boxKey: me.boxKey }, sender);
  if (!opened.ok) return { ok: false, reason: 'bad_envelope' };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(opened.direct.payload));
  } catch {
    return { ok: false, reason: 'bad_content' };
  }
  const content = escalationContent.safeParse(json);
  if (!content.success) return { ok: false, reason: 'bad_content' };
  // A notice says what the sender's own escalation did: only the sender's own devices send one.
  if (content.data.type === 'escalation.notice' && sender.userId !== me.userId) return { ok: false, reason: 'not_own' };
  return {
    ok: true,
    opened: {
      content: content.data,
      senderDeviceId: peeked.header.senderDeviceId,
      releasedAt: item.storedAt,
      token: content.data.type === 'escalation.step' ? fromBase64Url(content.data.token) : null,
    },
  };
}
