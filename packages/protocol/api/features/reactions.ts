// API of the quick-reactions feature (apps/desktop/electron/core/features/reactions/): its schemas
// and methods, merged into contract.ts; the names are in ./reactions-names.ts.
import { z } from 'zod';
import { reactionValue } from '../../domain/events.ts';
import { method } from '../define.ts';
import { channelId, messageRef } from '../common.ts';

const person = z.object({ userId: z.string(), displayName: z.string() });

export const messageReactionsViewSchema = z.object({
  messageId: z.string(),
  /** Each value given to the message, in the fixed order (👍 ✅ 👀 🙏), with who gave it. */
  reactions: z.array(
    z.object({
      reaction: reactionValue,
      /** This user gave it (the button shows pressed; pressing it again takes it off). */
      mine: z.boolean(),
      people: z.array(person),
    }),
  ),
});

export const reactionsMethods = {
  'reactions.list': method({
    input: z.strictObject({ channelId }),
    output: z.array(messageReactionsViewSchema),
    requires: 'member',
    channelField: 'channelId',
    doc: 'The reactions of the messages of a channel (only messages that have some; deleted messages drop out).',
  }),
  'reactions.toggle': method({
    input: messageRef.extend({ reaction: reactionValue }),
    output: z.object({ given: z.boolean() }),
    requires: 'member',
    channelField: 'channelId',
    doc: 'Gives one of the fixed reactions to a message, or takes the own one off when given already (`given` says which). `not_found` for an unknown or deleted message.',
  }),
};

export type MessageReactionsView = z.output<typeof messageReactionsViewSchema>;
export type ReactionValue = z.output<typeof reactionValue>;
