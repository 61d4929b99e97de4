// Poll state from the channel's ordered event log. Every client applies the same events in the
// relay's sequence order and decides each vote from the event log alone (the relay's acceptance
// time, never the local clock), so a late vote is rejected everywhere with the same verdict.
export interface PollOption {
  id: string;
  label: string;
}

export interface PollDefinition {
  pollId: string;
  question: string;
  options: PollOption[];
  multipleChoice: boolean;
  /** Relay time (UTC ms) after which votes are refused; null = open until closed. */
  deadline: number | null;
  /** Results show counts only, not who voted for what. */
  hideVoters: boolean;
}

/** The part of a channel event the reducer needs; `relayTime` is when the relay accepted it. */
export interface PollEventEnvelope<P> {
  seq: number;
  relayTime: number;
  senderUserId: string;
  payload: P;
}

export type PollPayload =
  | { type: 'poll.create'; poll: PollDefinition }
  | { type: 'poll.vote'; pollId: string; optionIds: string[] }
  | { type: 'poll.close'; pollId: string };

export type PollRejection =
  | 'unknown_poll'
  | 'duplicate_poll'
  | 'invalid_poll'
  | 'poll_closed'
  | 'deadline_passed'
  | 'unknown_option'
  | 'single_choice'
  | 'not_creator';

export interface PollState {
  definition: PollDefinition;
  creatorUserId: string;
  createdSeq: number;
  closedSeq: number | null;
  /** Latest accepted vote per user (a later vote replaces an earlier one). */
  votes: Map<string, { optionIds: string[]; seq: number }>;
}

export type PollVerdict = { accepted: true } | { accepted: false; reason: PollRejection };

const MIN_OPTIONS = 2;
const MAX_OPTIONS = 20;

function validDefinition(poll: PollDefinition): boolean {
  const ids = new Set(poll.options.map((o) => o.id));
  return (
    poll.question.trim().length > 0 &&
    poll.options.length >= MIN_OPTIONS &&
    poll.options.length <= MAX_OPTIONS &&
    ids.size === poll.options.length &&
    poll.options.every((o) => o.label.trim().length > 0)
  );
}

/** Applies one event to the channel's polls (mutating `polls`) and returns the verdict. */
export function applyPollEvent(polls: Map<string, PollState>, event: PollEventEnvelope<PollPayload>): PollVerdict {
  const { payload } = event;
  if (payload.type === 'poll.create') {
    if (polls.has(payload.poll.pollId)) return { accepted: false, reason: 'duplicate_poll' };
    if (!validDefinition(payload.poll)) return { accepted: false, reason: 'invalid_poll' };
    polls.set(payload.poll.pollId, {
      definition: payload.poll,
      creatorUserId: event.senderUserId,
      createdSeq: event.seq,
      closedSeq: null,
      votes: new Map(),
    });
    return { accepted: true };
  }
  const poll = polls.get(payload.pollId);
  if (!poll) return { accepted: false, reason: 'unknown_poll' };
  if (payload.type === 'poll.close') {
    if (event.senderUserId !== poll.creatorUserId) return { accepted: false, reason: 'not_creator' };
    if (poll.closedSeq !== null) return { accepted: false, reason: 'poll_closed' };
    poll.closedSeq = event.seq;
    return { accepted: true };
  }
  if (poll.closedSeq !== null) return { accepted: false, reason: 'poll_closed' };
  if (poll.definition.deadline !== null && event.relayTime > poll.definition.deadline)
    return { accepted: false, reason: 'deadline_passed' };
  const known = new Set(poll.definition.options.map((o) => o.id));
  const chosen = [...new Set(payload.optionIds)];
  if (chosen.some((id) => !known.has(id))) return { accepted: false, reason: 'unknown_option' };
  if (!poll.definition.multipleChoice && chosen.length > 1) return { accepted: false, reason: 'single_choice' };
  // An empty choice withdraws the vote.
  if (chosen.length === 0) poll.votes.delete(event.senderUserId);
  else poll.votes.set(event.senderUserId, { optionIds: chosen, seq: event.seq });
  return { accepted: true };
}

export interface PollResults {
  pollId: string;
  closed: boolean;
  totalVoters: number;
  options: Array<{ id: string; label: string; count: number; voters: string[] | null }>;
}

/** Poll is "closed" for display also when the deadline has passed by `now` (display only). */
export function pollResults(poll: PollState, now: number): PollResults {
  const deadlinePassed = poll.definition.deadline !== null && now > poll.definition.deadline;
  return {
    pollId: poll.definition.pollId,
    closed: poll.closedSeq !== null || deadlinePassed,
    totalVoters: poll.votes.size,
    options: poll.definition.options.map((option) => {
      const voters = [...poll.votes]
        .filter(([, v]) => v.optionIds.includes(option.id))
        .map(([user]) => user)
        .sort();
      return {
        id: option.id,
        label: option.label,
        count: voters.length,
        voters: poll.definition.hideVoters ? null : voters,
      };
    }),
  };
}
