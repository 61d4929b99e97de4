import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPollEvent,
  pollResults,
  type PollEventEnvelope,
  type PollPayload,
  type PollState,
} from '../../../apps/desktop/electron/core/collab/polls.ts';

const T0 = Date.UTC(2026, 10, 23, 8, 0);
let seq = 0;
const ev = (senderUserId: string, payload: PollPayload, relayTime = T0): PollEventEnvelope<PollPayload> => ({
  seq: ++seq,
  relayTime,
  senderUserId,
  payload,
});
const create = (overrides: Partial<{ multipleChoice: boolean; deadline: number | null; hideVoters: boolean }> = {}) =>
  ev('anna', {
    type: 'poll.create',
    poll: {
      pollId: 'p1',
      question: 'Dienstplan Weihnachten: Wer übernimmt den 24.?',
      options: [
        { id: 'a', label: 'Frühdienst' },
        { id: 'b', label: 'Spätdienst' },
        { id: 'c', label: 'Nachtdienst' },
      ],
      multipleChoice: false,
      deadline: null,
      hideVoters: false,
      ...overrides,
    },
  });

function run(events: PollEventEnvelope<PollPayload>[]) {
  const polls = new Map<string, PollState>();
  const verdicts = events.map((e) => applyPollEvent(polls, e));
  return { polls, verdicts };
}

describe('poll reducer', () => {
  it('counts votes; a later vote by the same person replaces the earlier one', () => {
    const { polls } = run([
      create(),
      ev('ben', { type: 'poll.vote', pollId: 'p1', optionIds: ['a'] }),
      ev('cara', { type: 'poll.vote', pollId: 'p1', optionIds: ['a'] }),
      ev('ben', { type: 'poll.vote', pollId: 'p1', optionIds: ['b'] }),
    ]);
    const results = pollResults(polls.get('p1')!, T0);
    expect(results.options.map((o) => [o.id, o.count, o.voters])).toEqual([
      ['a', 1, ['cara']],
      ['b', 1, ['ben']],
      ['c', 0, []],
    ]);
    expect(results.totalVoters).toBe(2);
  });

  it('rejects votes after close and after the deadline, with the reason', () => {
    const deadline = T0 + 3_600_000;
    const { verdicts } = run([
      create({ deadline }),
      ev('ben', { type: 'poll.vote', pollId: 'p1', optionIds: ['a'] }, deadline - 1),
      ev('cara', { type: 'poll.vote', pollId: 'p1', optionIds: ['a'] }, deadline + 1),
      ev('anna', { type: 'poll.close', pollId: 'p1' }),
      ev('dirk', { type: 'poll.vote', pollId: 'p1', optionIds: ['b'] }, deadline - 10),
    ]);
    expect(verdicts.map((v) => (v.accepted ? 'ok' : v.reason))).toEqual([
      'ok',
      'ok',
      'deadline_passed',
      'ok',
      'poll_closed',
    ]);
  });

  it('decides the deadline by relay time alone: on the deadline counts, one millisecond after does not', () => {
    const deadline = T0 + 3_600_000;
    const { verdicts } = run([
      create({ deadline }),
      ev('ben', { type: 'poll.vote', pollId: 'p1', optionIds: ['a'] }, deadline),
      ev('cara', { type: 'poll.vote', pollId: 'p1', optionIds: ['a'] }, deadline + 1),
    ]);
    expect(verdicts.map((v) => (v.accepted ? 'ok' : v.reason))).toEqual(['ok', 'ok', 'deadline_passed']);
  });

  it('a vote is accepted exactly when the relay took it by the deadline, whatever else the log holds', () => {
    const deadline = T0 + 3_600_000;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -7200, max: 7200 }), { minLength: 1, maxLength: 30 }), (offsets) => {
        const votes = offsets.map((dt, i) =>
          ev(`user${i}`, { type: 'poll.vote', pollId: 'p1', optionIds: ['b'] }, deadline + dt * 1000),
        );
        const { verdicts } = run([create({ deadline }), ...votes]);
        expect(verdicts.slice(1).map((v) => v.accepted)).toEqual(offsets.map((dt) => dt <= 0));
      }),
      { numRuns: 100 },
    );
  });

  it('only the creator may close', () => {
    const { verdicts, polls } = run([create(), ev('ben', { type: 'poll.close', pollId: 'p1' })]);
    expect(verdicts[1]).toEqual({ accepted: false, reason: 'not_creator' });
    expect(polls.get('p1')!.closedSeq).toBeNull();
  });

  it('enforces single choice, known options and 2-20 options', () => {
    const { verdicts } = run([
      create(),
      ev('ben', { type: 'poll.vote', pollId: 'p1', optionIds: ['a', 'b'] }),
      ev('ben', { type: 'poll.vote', pollId: 'p1', optionIds: ['z'] }),
    ]);
    expect(verdicts.slice(1)).toEqual([
      { accepted: false, reason: 'single_choice' },
      { accepted: false, reason: 'unknown_option' },
    ]);
    const tooFew = ev('anna', {
      type: 'poll.create',
      poll: {
        pollId: 'p2',
        question: 'Q',
        options: [{ id: 'a', label: 'A' }],
        multipleChoice: false,
        deadline: null,
        hideVoters: false,
      },
    });
    expect(run([tooFew]).verdicts[0]).toEqual({ accepted: false, reason: 'invalid_poll' });
  });

  it('hides voter names when the poll says so', () => {
    const { polls } = run([
      create({ hideVoters: true }),
      ev('ben', { type: 'poll.vote', pollId: 'p1', optionIds: ['a'] }),
    ]);
    expect(pollResults(polls.get('p1')!, T0).options[0]).toEqual({
      id: 'a',
      label: 'Frühdienst',
      count: 1,
      voters: null,
    });
  });

  it('every client reaches the same state and verdicts from the same log, whatever its own clock says', () => {
    const user = fc.constantFrom('anna', 'ben', 'cara', 'dirk');
    const payload = fc.oneof(
      fc.record({
        type: fc.constant('poll.vote' as const),
        pollId: fc.constant('p1'),
        optionIds: fc.subarray(['a', 'b', 'c', 'x']),
      }),
      fc.record({ type: fc.constant('poll.close' as const), pollId: fc.constant('p1') }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(user, payload, fc.integer({ min: -7200, max: 7200 })), { maxLength: 40 }),
        (steps) => {
          const log = [create({ deadline: T0 + 3_600_000 }), ...steps.map(([u, p, dt]) => ev(u, p, T0 + dt * 1000))];
          const clientA = run(log);
          const clientB = run(structuredClone(log));
          expect(clientB.verdicts).toEqual(clientA.verdicts);
          expect(pollResults(clientB.polls.get('p1')!, 0)).toEqual(pollResults(clientA.polls.get('p1')!, 0));
        },
      ),
      { numRuns: 200 },
    );
  });
});
