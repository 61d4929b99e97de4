// Which message views a batch of channel events changes (core/changes/channel-change.ts): named by id where
// the views can be built from the ids, "reload" where they cannot, never silently nothing.
import { describe, expect, it } from 'vitest';
import { changeOfEvents, mergeChanges, RELOAD } from '../../../apps/desktop/electron/core/changes/channel-change.ts';

const ME = 'usrme000001';
const OTHER = 'usrother001';
const ev = (eventId: string, payload: Record<string, unknown>, senderUserId = OTHER) => ({
  eventId,
  senderUserId,
  payload,
});

describe('channel change', () => {
  it('names new, edited, deleted and acknowledged messages; edits and deletions also by their quotes', () => {
    const change = changeOfEvents(
      [
        ev('msgnew00001', { type: 'message.create', body: 'x' }),
        ev('evedit00001', { type: 'message.edit', messageId: 'msgold00001', body: 'y' }),
        ev('evdel000001', { type: 'message.delete', messageId: 'msgold00002' }),
        ev('evack000001', { type: 'message.ack', messageId: 'msgold00003' }),
      ],
      ME,
    );
    expect(change).toEqual({
      reload: false,
      messageIds: ['msgnew00001', 'msgold00001', 'msgold00002', 'msgold00003'],
      quoted: ['msgold00001', 'msgold00002'],
      collab: false,
    });
  });

  it('marks polls, files and calendar entries as collaboration changes without touching messages', () => {
    for (const type of ['poll.vote', 'file.share', 'calendar.put', 'calendar.occurrence.cancel'])
      expect(changeOfEvents([ev('evcollab001', { type })], ME)).toMatchObject({ reload: false, collab: true });
  });

  it("reloads for a roster or settings change, another member's read receipt, and anything unknown", () => {
    expect(changeOfEvents([ev('evupd000001', { type: 'channel.update', name: 'x' })], ME)).toEqual(RELOAD);
    expect(changeOfEvents([ev('evrcpt00001', { type: 'read.receipt', upToSeq: 4 })], ME)).toEqual(RELOAD);
    expect(changeOfEvents([ev('evnew000001', { type: 'something.new' })], ME)).toEqual(RELOAD);
    expect(changeOfEvents([ev('evbad000001', { type: 'message.edit' })], ME)).toEqual(RELOAD);
    // The own receipt changes nobody's read count.
    expect(changeOfEvents([ev('evrcpt00002', { type: 'read.receipt', upToSeq: 4 }, ME)], ME).reload).toBe(false);
  });

  it('reloads when more messages changed than one event carries (a catch-up page)', () => {
    const page = Array.from({ length: 201 }, (_, i) =>
      ev(`msg${String(i).padStart(8, '0')}`, { type: 'message.create' }),
    );
    expect(changeOfEvents(page, ME)).toEqual(RELOAD);
    const half = (from: number) => changeOfEvents(page.slice(from, from + 150), ME);
    expect(mergeChanges(half(0), half(1)).messageIds).toHaveLength(151);
    expect(mergeChanges(half(0), half(51))).toEqual(RELOAD);
    expect(mergeChanges(half(0), RELOAD)).toEqual(RELOAD);
  });
});
