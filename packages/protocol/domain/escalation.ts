// Escalation of unacknowledged urgent messages (docs/protocol.md "Escalation"): the policy that
// says when and to whom, and what the sender's device seals, per step, for each recipient device
// and for its own devices. The relay holds the sealed items and releases them at their deadline
// unless the acknowledgement token is shown first (docs/relay-protocol.md "Escalations").
import { z } from 'zod';

const id = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
/** 32 random bytes, base64url without padding. */
const token = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'token: 32 bytes base64url');

/** Characters of the message an escalation step carries: 4 bytes each at most still fit a 64 KiB mailbox item. */
export const MAX_ESCALATION_BODY = 8_000;
/** Steps after the holder a chain may name (the relay holds at most 4). */
export const MAX_ESCALATION_CHAIN = 4;

/**
 * Per role or channel: re-alert the holder every `reAlertMinutes` until acknowledged; after
 * `escalateMinutes` the message goes to the first role of `chain`, after twice that to the
 * second, and so on. An empty chain re-alerts only.
 */
export const escalationPolicy = z
  .strictObject({
    reAlertMinutes: z.number().int().min(1).max(60),
    escalateMinutes: z.number().int().min(1).max(240),
    chain: z.array(id).max(MAX_ESCALATION_CHAIN),
  })
  .refine((p) => p.reAlertMinutes <= p.escalateMinutes, 're-alert before escalating')
  .refine((p) => new Set(p.chain).size === p.chain.length, 'a role once in the chain');
export type EscalationPolicy = z.output<typeof escalationPolicy>;

/** Sealed to each device of a step's recipients: the urgent message itself and the token that stops what follows. */
export const escalationStep = z.strictObject({
  type: z.literal('escalation.step'),
  escalationId: id,
  token,
  /** 1 for the first role after the holder. */
  step: z.number().int().min(1).max(MAX_ESCALATION_CHAIN),
  roleId: id,
  roleName: z.string().min(1).max(120),
  channelId: id,
  messageId: id,
  senderUserId: id,
  /** Where the message went first (the conversation's role): "Eskaliert von Dienstarzt Innere". */
  fromName: z.string().min(1).max(120),
  /** The message text, cut to fit a mailbox item (MAX_ESCALATION_BODY). */
  body: z.string().min(1).max(MAX_ESCALATION_BODY),
  /** When the urgent message was sent (relay time when known, else the sender's clock). */
  sentAt: z.number().int().nonnegative(),
});
/** Sealed to each of the sender's own devices: which step went out (the release's relay time is the mailbox item's). */
export const escalationNotice = z.strictObject({
  type: z.literal('escalation.notice'),
  escalationId: id,
  step: z.number().int().min(1).max(MAX_ESCALATION_CHAIN),
  roleId: id,
  roleName: z.string().min(1).max(120),
  channelId: id,
  messageId: id,
});
export const escalationContent = z.discriminatedUnion('type', [escalationStep, escalationNotice]);
export type EscalationContent = z.output<typeof escalationContent>;
export type EscalationStepContent = z.output<typeof escalationStep>;
export type EscalationNoticeContent = z.output<typeof escalationNotice>;
/** The direct envelope's content type for both. */
export const ESCALATION_CONTENT_TYPE = 'escalation';

/**
 * Sent by an urgent message's sender device in the message's channel right after it, once the
 * relay holds its escalation: what members need to stop it (the token, end-to-end encrypted like
 * every channel event) and to show it (the planned steps, the re-alert interval). Its own event,
 * not a field of message.create, so a client that does not know it keeps the urgent message and
 * only drops this. Only the message's sender may send it (rule `author`).
 */
export const escalationArm = z.strictObject({
  type: z.literal('escalation.arm'),
  messageId: id,
  escalationId: id,
  token,
  reAlertMinutes: z.number().int().min(1).max(60),
  steps: z
    .array(
      z.strictObject({
        step: z.number().int().min(1).max(MAX_ESCALATION_CHAIN),
        roleName: z.string().min(1).max(120),
        delayMs: z
          .number()
          .int()
          .positive()
          .max(MAX_ESCALATION_CHAIN * 240 * 60_000),
      }),
    )
    .max(MAX_ESCALATION_CHAIN),
});
export type EscalationArmPayload = z.output<typeof escalationArm>;
