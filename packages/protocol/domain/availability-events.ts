// Availability ("im Dienst", "nicht stören" with a cover, "abwesend bis …"; docs/protocol.md
// "Availability"): what travels, encrypted, in the organisation's directory channel, whose roster is
// every active user, so the relay learns only that an event was sent there and when. A status is
// about its sender's own user: the envelope's signed device must belong to `userId`, or every
// client refuses it. Off unless the organisation's signed settings switch it on (`availability`).
import { z } from 'zod';

const id = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
const time = z.number().int().nonnegative();

/** Who gets what arrives while someone does not want to be disturbed: a person, or a function role's holders. */
export const availabilityCover = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('user'), userId: id }),
  z.strictObject({ kind: z.literal('role'), roleId: id }),
]);

export const AVAILABILITY_STATES = ['on_duty', 'dnd', 'away', 'none'] as const;

/**
 * The sender's status from now on (the newest by the relay's order is in force): `on_duty`,
 * `dnd` (a cover is required), `away` (an end is required), `none` (no status). `until`: the moment
 * it ends by itself (UTC ms); null, until changed.
 */
export const availabilitySet = z
  .strictObject({
    type: z.literal('availability.set'),
    userId: id,
    state: z.enum(AVAILABILITY_STATES),
    cover: availabilityCover.nullable(),
    until: time.nullable(),
  })
  .refine((s) => (s.state === 'dnd') === (s.cover !== null), 'a cover goes with "nicht stören" and only with it')
  .refine((s) => s.state !== 'away' || s.until !== null, '"abwesend" needs an end')
  .refine((s) => s.state !== 'none' || s.until === null, 'no status has no end');

/**
 * An urgent message went to the cover of a member who does not want to be disturbed. Sent by the
 * message's author right after it, in the message's channel (`messageId` the message there) and in
 * the author's direct conversation with each cover (`messageId` the copy there), so every member of
 * either shows the same line: "Dr. Alt ist nicht erreichbar – an Dr. Berg (Vertretung) weitergeleitet".
 */
export const availabilityForward = z.strictObject({
  type: z.literal('availability.forward'),
  messageId: id,
  absentUserId: id,
  coverUserIds: z.array(id).min(1).max(50),
  /** The role the cover was, when it was one (its holders at the sending moment are `coverUserIds`). */
  coverRoleId: id.nullable(),
});

export type AvailabilitySetPayload = z.output<typeof availabilitySet>;
export type AvailabilityForwardPayload = z.output<typeof availabilityForward>;
export type AvailabilityCover = z.output<typeof availabilityCover>;
export type AvailabilityState = (typeof AVAILABILITY_STATES)[number];
