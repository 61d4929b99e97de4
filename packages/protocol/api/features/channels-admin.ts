// API of the admins' channel overview: every channel from its signed roster, without reading content.
// Every admin.* method acts on the visible, unlocked profile (`locked` otherwise) and needs an admin device: the user
// is an active admin in the signed directory and this device holds the organisation key (`not_permitted` otherwise).
// Each change is a record signed by the organisation key, which the relay and every client verify, so hiding the
// buttons is not the protection. `relay_unreachable` when the relay did not take it.
// Merged into contract.ts; the names are in ./channels-admin-names.ts.
import { z } from 'zod';
import { method, type MethodSpec } from '../define.ts';

/** Every input is an object, so methods can grow optional fields without breaking callers. */
const noInput = z.object({}).strict();
const recordId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'id');
const time = z.number().int();

export const adminChannelSchema = z.object({
  channelId: recordId,
  kind: z.enum(['channel', 'conversation', 'direct']),
  /** Known only where this device is a member (names are encrypted); null otherwise. */
  name: z.string().nullable(),
  memberCount: z.number().int(),
  adminCount: z.number().int(),
  /** Messages stored on this device (a count, no content); null where this device is not a member. */
  messageCount: z.number().int().nullable(),
  /** Key epoch = number of roster changes. */
  epoch: z.number().int(),
  createdAt: time,
  historyForNewMembers: z.boolean(),
});

export const channelsAdminMethods = {
  'admin.channels': method({
    input: noInput,
    output: z.array(adminChannelSchema),
    doc: 'Every channel of the directory from its signed roster: kind, member count, epoch. Name and message count only where this device is a member; no content is read.',
  }),
} satisfies Record<string, MethodSpec>;

export type AdminChannel = z.output<typeof adminChannelSchema>;
