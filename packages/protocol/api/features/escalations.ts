// API of escalations of urgent messages (apps/desktop/electron/core/features/escalation/): the
// steps of an own urgent message for its details ("04:12 an Oberarzt Innere weitergeleitet, noch
// nicht bestätigt"), and the escalated messages that reached this user's role, to read and
// acknowledge without being in the conversation. Merged into contract.ts; names in ./escalations-names.ts.
import { z } from 'zod';
import { method } from '../define.ts';
import { messageRef } from '../common.ts';

const id = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

export const escalatedMessageSchema = z.object({
  escalationId: z.string(),
  step: z.number(),
  /** The role it reached here ("Oberarzt Innere"). */
  roleName: z.string(),
  /** Where it went first: "Eskaliert von Dienstarzt Innere – nicht bestätigt seit 10 Min." */
  title: z.string(),
  body: z.string(),
  senderName: z.string(),
  sentAt: z.number(),
  /** The relay's time of the release. */
  releasedAt: z.number(),
  /** When this user acknowledged it here; null while not. */
  acknowledgedAt: z.number().nullable(),
});

export const escalationsMethods = {
  'escalations.ofMessage': method({
    input: messageRef,
    output: z.object({
      /** `none`: no escalation; `waiting`: none released yet; `escalated`; `acknowledged`. */
      phase: z.enum(['none', 'waiting', 'escalated', 'acknowledged']),
      /**
       * Each released step: the role it went to and the relay's release time; the renderer words
       * them ("04:12 an Oberarzt Innere weitergeleitet") in the workstation's time, like the messages.
       */
      released: z.array(z.object({ roleName: z.string(), at: z.number() })),
    }),
    requires: 'member',
    channelField: 'channelId',
    doc: 'The escalation of an urgent message as this device knows it: the sender’s devices from the relay’s notices, members from its arm and acknowledgements.',
  }),
  'escalations.received': method({
    input: z.strictObject({}),
    output: z.array(escalatedMessageSchema),
    doc: 'Urgent messages escalated to a role this user holds, newest first (at most 50).',
  }),
  'escalations.acknowledge': method({
    input: z.strictObject({ escalationId: id }),
    output: z.object({ done: z.literal(true) }),
    doc: 'Acknowledges an escalated message: the relay drops the steps still pending, for every device. `not_found` when none reached this device; `unavailable` while the relay cannot be reached.',
  }),
};

export type EscalatedMessage = z.output<typeof escalatedMessageSchema>;
