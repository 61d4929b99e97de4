// How a poll event changes the `polls` and `poll_votes` tables, inside applyEvents' transaction
// through the store's port (store/content-features.ts). The reducer (collab/polls.ts) decides on
// the one poll the event names, with the relay's seq and clock, so every client ends with the same
// polls from the same log: a late vote, a vote on a closed poll or a close by someone else is
// refused with the reducer's reason; only the poll's creator closes it (the rule table,
// store/authorise.ts, with `author` below).
import { pollClose, pollCreate, pollVote, type ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { applyPollEvent, type PollState } from '../../collab/polls.ts';
import type { ContentFeature } from '../../store/content-features.ts';
import type { Db } from '../../store/database.ts';
import { sql } from '../../store/statements.ts';

function applyPoll(db: Db, event: ChannelEvent): string | null {
  const p = event.payload;
  const pollId = p.type === 'poll.create' ? event.eventId : (p as { pollId: string }).pollId;
  const polls = new Map<string, PollState>();
  const row = sql(db, 'SELECT * FROM polls WHERE channel_id = ? AND poll_id = ?').get(event.channelId, pollId) as
    { definition: string; creator_user_id: string; created_seq: number | null; closed_seq: number | null } | undefined;
  if (row) {
    const votes = sql(db, 'SELECT user_id, option_ids, seq FROM poll_votes WHERE channel_id = ? AND poll_id = ?').all(
      event.channelId,
      pollId,
    ) as Array<{ user_id: string; option_ids: string; seq: number }>;
    polls.set(pollId, {
      definition: JSON.parse(row.definition) as PollState['definition'],
      creatorUserId: row.creator_user_id,
      createdSeq: row.created_seq ?? 0,
      closedSeq: row.closed_seq,
      votes: new Map(votes.map((v) => [v.user_id, { optionIds: JSON.parse(v.option_ids) as string[], seq: v.seq }])),
    });
  }
  const envelope = {
    seq: event.seq ?? 0,
    // The relay's clock decides deadlines; only events from before relays stamped them fall back
    // to the sender's signed time.
    relayTime: event.relayAt ?? event.createdAt,
    senderUserId: event.senderUserId,
    payload:
      p.type === 'poll.create'
        ? {
            type: 'poll.create' as const,
            poll: {
              pollId,
              question: p.question,
              options: p.options,
              multipleChoice: p.multipleChoice,
              deadline: p.deadline,
              hideVoters: p.hideVoters,
            },
          }
        : p.type === 'poll.vote'
          ? { type: 'poll.vote' as const, pollId, optionIds: p.optionIds }
          : { type: 'poll.close' as const, pollId },
  };
  const verdict = applyPollEvent(polls, envelope);
  if (!verdict.accepted) return verdict.reason;
  const state = polls.get(pollId)!;
  if (p.type === 'poll.create') {
    sql(
      db,
      'INSERT INTO polls (channel_id, poll_id, creator_user_id, definition, created_seq, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(event.channelId, pollId, event.senderUserId, JSON.stringify(state.definition), event.seq, event.createdAt);
  } else if (p.type === 'poll.close') {
    sql(db, 'UPDATE polls SET closed_seq = ? WHERE channel_id = ? AND poll_id = ?').run(
      event.seq ?? 0,
      event.channelId,
      pollId,
    );
  } else {
    const vote = state.votes.get(event.senderUserId);
    if (vote)
      sql(db, 'INSERT OR REPLACE INTO poll_votes VALUES (?, ?, ?, ?, ?)').run(
        event.channelId,
        pollId,
        event.senderUserId,
        JSON.stringify(vote.optionIds),
        event.seq,
      );
    else
      sql(db, 'DELETE FROM poll_votes WHERE channel_id = ? AND poll_id = ? AND user_id = ?').run(
        event.channelId,
        pollId,
        event.senderUserId,
      );
  }
  return null;
}

export const pollsContent: ContentFeature = {
  name: 'polls',
  events: {
    'poll.create': { schema: pollCreate, rule: { who: 'member' }, contentType: 'poll' },
    'poll.vote': { schema: pollVote, rule: { who: 'member' }, contentType: 'poll' },
    'poll.close': { schema: pollClose, rule: { who: 'author' }, contentType: 'poll' },
  },
  apply: applyPoll,
  author(db, event) {
    const p = event.payload;
    // A close changes the poll its creator made; a creation or a vote names nothing that decides.
    if (p.type !== 'poll.close') return undefined;
    return (
      (sql(db, 'SELECT creator_user_id FROM polls WHERE channel_id = ? AND poll_id = ?')
        .pluck()
        .get(event.channelId, p.pollId) as string | undefined) ?? null
    );
  },
};
