// API of polls in a channel.
// Every method acts on the visible, unlocked profile (`locked` otherwise) and on channels this user is a member
// of (`not_found` otherwise). Everything written travels as an encrypted channel event; the reducers in
// apps/desktop/electron/core/collab decide what it does, identically on every client. Inputs are strict objects with
// bounded strings and arrays, so a hostile or buggy renderer is refused before any logic runs.
// Merged into contract.ts; the names are in ./polls-names.ts.
import { z } from 'zod';
import { method, type MethodSpec } from '../define.ts';
import { channelId } from '../common.ts';
const done = z.object({ done: z.literal(true) });
const objectId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'id');
const person = z.object({ userId: z.string(), displayName: z.string() });

export const pollId = objectId;

const optionId = z.string().min(1).max(16);

export const pollCreateInput = z.strictObject({
  channelId,
  question: z.string().trim().min(1).max(500),
  options: z.array(z.string().trim().min(1).max(200)).min(2).max(20),
  multipleChoice: z.boolean(),
  /** UTC ms; null = open until the creator closes it. */
  deadline: z.number().int().positive().nullable(),
  hideVoters: z.boolean(),
});

export const pollVoteInput = z.strictObject({
  channelId,
  pollId,
  /** Empty withdraws the vote. */
  optionIds: z.array(optionId).max(20),
});

export const pollRef = z.strictObject({ channelId, pollId });

export const pollViewSchema = z.object({
  pollId: z.string(),
  question: z.string(),
  creator: person,
  createdAt: z.number(),
  multipleChoice: z.boolean(),
  hideVoters: z.boolean(),
  deadline: z.number().nullable(),
  /** `closed` by the creator, `deadline` passed (display; votes after it are refused by the log), or open. */
  state: z.enum(['open', 'closed', 'deadline']),
  totalVoters: z.number().int(),
  /** The options this user chose in the accepted log (empty: not voted). */
  myOptionIds: z.array(z.string()),
  /** A vote of this user is still on its way to the relay. */
  myVotePending: z.boolean(),
  canClose: z.boolean(),
  options: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      count: z.number().int(),
      /** Null when the poll hides voter names. */
      voters: z.array(person).nullable(),
    }),
  ),
});

export const pollsMethods = {
  'polls.list': method({
    requires: 'member',
    channelField: 'channelId',
    input: z.strictObject({
      channelId,
      /** Only these polls (those a conversation's timeline shows); omitted: every poll of the channel. */
      pollIds: z.array(pollId).max(200).optional(),
    }),
    output: z.array(pollViewSchema),
    doc: 'Open and closed polls of a channel (or those of `pollIds` among them), newest first, with live results as the ordered log decided them.',
  }),
  'polls.create': method({
    requires: 'member',
    channelField: 'channelId',
    input: pollCreateInput,
    output: z.object({ pollId: z.string() }),
    doc: 'Creates a poll (2-20 options, single or multiple choice, optional deadline, optional hidden voters). `invalid_input` for duplicate options or a deadline in the past.',
  }),
  'polls.vote': method({
    requires: 'member',
    channelField: 'channelId',
    input: pollVoteInput,
    output: done,
    doc: 'Votes or changes the vote (an empty choice withdraws it). `not_permitted` when the poll is closed or past its deadline here; the reducer on every client decides the same for a vote that was in flight.',
  }),
  'polls.close': method({
    requires: 'member',
    channelField: 'channelId',
    input: pollRef,
    output: done,
    doc: 'Closes a poll early. Only its creator: `not_permitted` for anyone else (and refused by every client).',
  }),
} satisfies Record<string, MethodSpec>;

export type PollView = z.output<typeof pollViewSchema>;
