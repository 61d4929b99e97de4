// How a poll event changes the `polls` and `poll_votes` tables, inside applyEvents' transaction
// through the store's port (store/content-features.ts). The reducer (collab/polls.ts) decides on
// the one poll the event names, with the relay's seq and clock, so every client ends with the same
// polls from the same log: a late vote, a vote on a closed poll or a close by someone else is
// refused with the reducer's reason; only the poll's creator closes it (the rule table,
// store/authorise.ts, with `author` below). An own event took effect when queued; `own` gives it
// its seq once the relay orders it, or undoes it when every receiver refuses it.
import { pollClose, pollCreate, pollVote, type ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { applyPollEvent, pollResults, type PollResults, type PollState } from '../../collab/polls.ts';
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

/**
 * The voter's vote on one poll from the log: their votes in seq order, then those still queued,
 * each judged by the poll reducer (deadline by relay time; after the poll's close none counts).
 * The last one accepted stands; none, no vote. Other voters' votes are not touched.
 */
function recomputeVote(db: Db, channelId: string, pollId: string, userId: string): void {
  const row = sql(
    db,
    'SELECT definition, creator_user_id, created_seq, closed_seq FROM polls WHERE channel_id = ? AND poll_id = ?',
  ).get(channelId, pollId) as
    { definition: string; creator_user_id: string; created_seq: number | null; closed_seq: number | null } | undefined;
  if (!row) return;
  const poll: PollState = {
    definition: JSON.parse(row.definition) as PollState['definition'],
    creatorUserId: row.creator_user_id,
    createdSeq: row.created_seq ?? 0,
    closedSeq: null,
    votes: new Map(),
  };
  const polls = new Map([[pollId, poll]]);
  const votes = sql(
    db,
    `SELECT event_pk, seq, created_at, relay_at, json_extract(payload, '$.optionIds') AS option_ids FROM events
     WHERE channel_id = ? AND type = 'poll.vote' AND sender_user_id = ? AND json_extract(payload, '$.pollId') = ? ORDER BY seq IS NULL, seq, event_pk`,
  ).all(channelId, userId, pollId) as Array<{
    event_pk: number;
    seq: number | null;
    created_at: number;
    relay_at: number | null;
    option_ids: string | null;
  }>;
  let standing: { optionIds: string[]; seq: number | null } | null = null;
  // An own close still queued (closed_seq 0) refuses the votes queued after it. The outbox sends a
  // channel's events in queue order, so every vote the relay has ordered was queued before it.
  const queuedClose =
    row.closed_seq === 0
      ? (sql(
          db,
          `SELECT min(event_pk) FROM events WHERE channel_id = ? AND type = 'poll.close' AND seq IS NULL AND json_extract(payload, '$.pollId') = ?`,
        )
          .pluck()
          .get(channelId, pollId) as number | null)
      : null;
  for (const v of votes) {
    // A close the relay has ordered refuses every vote after it, and every vote still queued.
    if (row.closed_seq !== null && row.closed_seq > 0 && (v.seq === null || v.seq > row.closed_seq)) continue;
    if (queuedClose !== null && v.seq === null && v.event_pk > queuedClose) continue;
    if (v.option_ids === null) continue;
    const verdict = applyPollEvent(polls, {
      seq: v.seq ?? 0,
      relayTime: v.relay_at ?? v.created_at,
      senderUserId: userId,
      payload: { type: 'poll.vote', pollId, optionIds: JSON.parse(v.option_ids) as string[] },
    });
    if (!verdict.accepted) continue;
    const vote = poll.votes.get(userId);
    standing = vote ? { optionIds: vote.optionIds, seq: v.seq } : null;
  }
  if (standing)
    sql(db, 'INSERT OR REPLACE INTO poll_votes VALUES (?, ?, ?, ?, ?)').run(
      channelId,
      pollId,
      userId,
      JSON.stringify(standing.optionIds),
      standing.seq,
    );
  else
    sql(db, 'DELETE FROM poll_votes WHERE channel_id = ? AND poll_id = ? AND user_id = ?').run(
      channelId,
      pollId,
      userId,
    );
}

type PollPayload = Extract<ChannelEvent['payload'], { type: 'poll.create' | 'poll.vote' | 'poll.close' }>;

/**
 * The relay ordered an own poll event that stands: a poll's creation and close are kept once
 * (applied again, they are refused only as applied already), so only their seq was missing; so was
 * the seq of a vote.
 */
function ownPollSent(db: Db, event: ChannelEvent & { seq: number }): void {
  const p = event.payload as PollPayload;
  if (p.type === 'poll.vote')
    sql(db, 'UPDATE poll_votes SET seq = ? WHERE channel_id = ? AND poll_id = ? AND user_id = ? AND seq IS NULL').run(
      event.seq,
      event.channelId,
      p.pollId,
      event.senderUserId,
    );
  else if (p.type === 'poll.create')
    sql(db, 'UPDATE polls SET created_seq = ? WHERE channel_id = ? AND poll_id = ? AND created_seq IS NULL').run(
      event.seq,
      event.channelId,
      event.eventId,
    );
  else
    sql(db, 'UPDATE polls SET closed_seq = ? WHERE channel_id = ? AND poll_id = ? AND closed_seq = 0').run(
      event.seq,
      event.channelId,
      p.pollId,
    );
}

/**
 * An own poll event every receiver refuses. A vote: the voter's vote is recomputed from the log. A
 * creation or close the relay refused for good is undone; one the relay ordered is refused again
 * only as applied already and stays (its seq comes from `ownPollSent`).
 */
function ownPollRefused(db: Db, event: ChannelEvent, how: 'sent' | 'withdrawn'): boolean {
  const p = event.payload as PollPayload;
  if (p.type === 'poll.vote') {
    recomputeVote(db, event.channelId, p.pollId, event.senderUserId);
    return true;
  }
  if (how === 'sent') return false;
  if (p.type === 'poll.create') {
    sql(db, 'DELETE FROM poll_votes WHERE channel_id = ? AND poll_id = ?').run(event.channelId, event.eventId);
    sql(db, 'DELETE FROM polls WHERE channel_id = ? AND poll_id = ? AND created_seq IS NULL').run(
      event.channelId,
      event.eventId,
    );
  } else
    sql(db, 'UPDATE polls SET closed_seq = NULL WHERE channel_id = ? AND poll_id = ? AND closed_seq = 0').run(
      event.channelId,
      p.pollId,
    );
  return true;
}

export const pollsContent: ContentFeature = {
  name: 'polls',
  events: {
    // The question stays in the polls table (its triggers report it gone, migration 0260).
    'poll.create': {
      schema: pollCreate,
      rule: { who: 'member' },
      contentType: 'poll',
      searchText: { field: 'question' },
    },
    'poll.vote': { schema: pollVote, rule: { who: 'member' }, contentType: 'poll' },
    // Opened before its poll, a close waits for it.
    'poll.close': {
      schema: pollClose,
      rule: { who: 'author' },
      contentType: 'poll',
      waitsFor: { type: 'poll.create', field: 'pollId' },
    },
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
  own: { onOwnSent: ownPollSent, onOwnRefused: ownPollRefused },
};

/**
 * Narrows a read to some polls of the channel (a timeline page's): their ids as one JSON array
 * parameter, each looked up by the primary key (channel_id, poll_id), instead of every poll.
 */
function onlyPolls(pollIds: readonly string[] | undefined): string {
  return pollIds === undefined ? '' : ' AND poll_id IN (SELECT value FROM json_each(?))';
}
function pollParams(channelId: string, pollIds: readonly string[] | undefined): string[] {
  return pollIds === undefined ? [channelId] : [channelId, JSON.stringify(pollIds)];
}

/** The polls' read side: a channel's polls with their results, and this user's part in them. */
export class PollRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** Open and closed polls of a channel (or those of `pollIds` among them) with their current results. */
  async polls(
    channelId: string,
    now: number,
    pollIds?: readonly string[],
  ): Promise<
    Array<PollResults & { question: string; creatorUserId: string; multipleChoice: boolean; deadline: number | null }>
  > {
    const rows = sql(
      this.#db,
      `SELECT * FROM polls WHERE channel_id = ?${onlyPolls(pollIds)} ORDER BY created_at DESC`,
    ).all(...pollParams(channelId, pollIds)) as Array<{
      poll_id: string;
      creator_user_id: string;
      definition: string;
      created_seq: number | null;
      closed_seq: number | null;
    }>;
    const votes = sql(this.#db, 'SELECT user_id, option_ids, seq FROM poll_votes WHERE channel_id = ? AND poll_id = ?');
    return rows.map((row) => {
      const definition = JSON.parse(row.definition) as PollState['definition'];
      const state: PollState = {
        definition,
        creatorUserId: row.creator_user_id,
        createdSeq: row.created_seq ?? 0,
        closedSeq: row.closed_seq,
        votes: new Map(
          (votes.all(channelId, row.poll_id) as Array<{ user_id: string; option_ids: string; seq: number }>).map(
            (v) => [v.user_id, { optionIds: JSON.parse(v.option_ids) as string[], seq: v.seq }],
          ),
        ),
      };
      return {
        ...pollResults(state, now),
        question: definition.question,
        creatorUserId: row.creator_user_id,
        multipleChoice: definition.multipleChoice,
        deadline: definition.deadline,
      };
    });
  }

  /** Per poll of a channel: when it was made and whether voters are hidden, whether its creator closed it, and this user's vote. */
  async details(
    channelId: string,
    userId: string,
    pollIds?: readonly string[],
  ): Promise<{
    created: Map<string, { createdAt: number; hideVoters: boolean }>;
    closedByCreator: Set<string>;
    myVotes: Map<string, string[]>;
  }> {
    const polls = sql(
      this.#db,
      `SELECT poll_id, created_at, definition, closed_seq FROM polls WHERE channel_id = ?${onlyPolls(pollIds)}`,
    ).all(...pollParams(channelId, pollIds)) as Array<{
      poll_id: string;
      created_at: number;
      definition: string;
      closed_seq: number | null;
    }>;
    const votes = sql(
      this.#db,
      `SELECT poll_id, option_ids FROM poll_votes WHERE channel_id = ?${onlyPolls(pollIds)} AND user_id = ?`,
    ).all(...pollParams(channelId, pollIds), userId) as Array<{ poll_id: string; option_ids: string }>;
    return {
      created: new Map(
        polls.map((r) => [
          r.poll_id,
          { createdAt: r.created_at, hideVoters: (JSON.parse(r.definition) as { hideVoters: boolean }).hideVoters },
        ]),
      ),
      closedByCreator: new Set(polls.filter((r) => r.closed_seq !== null).map((r) => r.poll_id)),
      myVotes: new Map(votes.map((r) => [r.poll_id, JSON.parse(r.option_ids) as string[]])),
    };
  }
}

export const pollRepository = (db: Db) => new PollRepository(db);
