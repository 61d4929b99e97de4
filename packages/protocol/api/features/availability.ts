// API of availability (apps/desktop/electron/core/features/availability/): "im Dienst", "nicht
// stören" with a cover, "abwesend bis …", off unless the organisation's signed settings switch it
// on; and the lines under urgent messages that went to a cover. Merged into contract.ts; the names
// are in ./availability-names.ts.
import { z } from 'zod';
import { method } from '../define.ts';
import { channelId, userId } from '../common.ts';

const roleId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'role id');
const time = z.number().int().nonnegative();

export const availabilityStateSchema = z.enum(['on_duty', 'dnd', 'away']);

export const availabilityViewSchema = z.object({
  userId: z.string(),
  state: availabilityStateSchema,
  /** When it ends by itself (UTC ms); null: until changed. */
  until: z.number().nullable(),
  since: z.number(),
  /** "nicht stören": who gets what arrives meanwhile; `name` the person's or the role's. */
  cover: z.object({ kind: z.enum(['user', 'role']), id: z.string(), name: z.string() }).nullable(),
});

/** Where an urgent message went besides its channel: "Dr. Alt ist nicht erreichbar – an Dr. Berg (Vertretung) weitergeleitet". */
export const coverForwardSchema = z.object({
  absentUserId: z.string(),
  absentName: z.string(),
  /** Who got it; empty (only in the sender's `messages.send` answer) when no cover could be reached. */
  coverNames: z.array(z.string()),
  /** The role the cover was, by name, when it was one. */
  coverRoleName: z.string().nullable(),
});

const setInput = z.strictObject({
  state: z.enum(['on_duty', 'dnd', 'away', 'none']),
  cover: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('user'), userId }),
      z.strictObject({ kind: z.literal('role'), roleId }),
    ])
    .nullable()
    .default(null),
  until: time.nullable().default(null),
});

export const availabilityMethods = {
  'availability.list': method({
    input: z.strictObject({}),
    output: z.object({
      /** The organisation switched availability on (signed settings); off, nothing is shown or set. */
      enabled: z.boolean(),
      statuses: z.array(availabilityViewSchema),
      /** The other person of each direct conversation of this user, so the sidebar shows their status. */
      peers: z.array(z.object({ channelId: z.string(), userId: z.string() })),
    }),
    doc: "Everyone's status in force now (expired ones are gone), this user's too. Empty when the organisation has availability off.",
  }),
  'availability.set': method({
    input: setInput,
    output: z.object({ done: z.literal(true) }),
    doc: 'Sets this user\'s status for every colleague (an encrypted event in the organisation-wide channel). "nicht stören" needs a cover (a colleague or a function role), "abwesend" an end in the future. `unavailable` when the organisation has availability off; `not_found` for an unknown cover.',
  }),
  'availability.forwards': method({
    input: z.strictObject({ channelId }),
    output: z.array(coverForwardSchema.extend({ messageId: z.string() })),
    requires: 'member',
    channelField: 'channelId',
    doc: 'The urgent messages of a channel that went to a cover, with who was not reachable and who got it.',
  }),
};

export type AvailabilityView = z.output<typeof availabilityViewSchema>;
export type CoverForward = z.output<typeof coverForwardSchema>;
