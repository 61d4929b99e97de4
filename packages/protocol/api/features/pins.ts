// API of the pinned-messages feature (apps/desktop/electron/core/features/pins/): its schemas and
// methods, merged into contract.ts; the names are in ./pins-names.ts. One file per feature: a new
// feature adds its own pair here and one line in contract.ts and names.ts each.
import { z } from 'zod';
import { method } from '../define.ts';
import { channelId, messageRef } from '../common.ts';

const person = z.object({ userId: z.string(), displayName: z.string() });
const done = z.object({ done: z.literal(true) });

export const pinViewSchema = z.object({
  messageId: z.string(),
  /** Where the message sits in the channel (jump to it with messages.page aroundSortKey). */
  sortKey: z.number(),
  sender: person,
  /** The message text (markdown source), as the channel shows it. */
  body: z.string(),
  createdAt: z.number(),
  pinnedBy: person,
  pinnedAt: z.number(),
  /** This user may take the pin off: they pinned it, or they are an admin of the channel. */
  mayUnpin: z.boolean(),
});

export const pinsMethods = {
  'pins.list': method({
    input: z.strictObject({ channelId }),
    output: z.array(pinViewSchema),
    requires: 'member',
    channelField: 'channelId',
    doc: 'The pinned messages of a channel, most recently pinned first; deleted messages drop out.',
  }),
  'pins.add': method({
    input: messageRef,
    output: done,
    requires: 'member',
    channelField: 'channelId',
    doc: 'Pins a message for everyone in the channel (any member). `not_found` for an unknown or deleted message; `done` when it is pinned already.',
  }),
  'pins.remove': method({
    input: messageRef,
    output: done,
    requires: 'member',
    channelField: 'channelId',
    doc: 'Takes a pin off for everyone: the member who pinned it or a channel admin (`not_permitted` otherwise). `done` when the message is not pinned.',
  }),
};

export type PinView = z.output<typeof pinViewSchema>;
