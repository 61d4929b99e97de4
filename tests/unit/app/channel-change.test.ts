// Which message views a batch of channel events changes (core/changes/channel-change.ts): named by id where
// the views can be built from the ids, "reload" where they cannot, never silently nothing.
import { describe, expect, it } from 'vitest';
import {
  changeOfEvents,
  mergeChanges,
  NOTHING_SHARED,
  RELOAD,
} from '../../../apps/desktop/electron/core/changes/channel-change.ts';

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
      shared: NOTHING_SHARED,
    });
  });

  it('names the shared things: a file or poll by its event, a vote or close by its poll, an appointment by its uid (a put also by itself)', () => {
    const change = changeOfEvents(
      [
        ev('evfile00001', { type: 'file.share', name: 'Befund.pdf' }),
        ev('evpoll00001', { type: 'poll.create', question: 'Pizza?' }),
        ev('evvote00001', { type: 'poll.vote', pollId: 'evpollold01', optionIds: ['o1'] }),
        ev('evclose0001', { type: 'poll.close', pollId: 'evpoll00001' }),
        ev('evput000001', { type: 'calendar.put', uid: 'uidvisite01' }),
        ev('evcancel001', { type: 'calendar.cancel', uid: 'uidvisite02' }),
        ev('evrsvp00001', { type: 'calendar.rsvp', uid: 'uidvisite01', rsvp: 'yes' }),
      ],
      ME,
    );
    expect(change).toEqual({
      reload: false,
      messageIds: [],
      quoted: [],
      collab: true,
      shared: {
        ...NOTHING_SHARED,
        // A put by itself too: refused for good, its item has no entry left to be found by.
        items: ['evfile00001', 'evpoll00001', 'evput000001'],
        uids: ['uidvisite01', 'uidvisite02'],
        polls: ['evpoll00001', 'evpollold01'],
        // The Dateien overview's row.
        files: ['evfile00001'],
      },
    });
    // A vote without a poll id cannot be named: the timeline reads its items again.
    expect(changeOfEvents([ev('evvote00002', { type: 'poll.vote' })], ME).shared).toBeNull();
    // Two turns' changes are one event's.
    const merged = mergeChanges(change, changeOfEvents([ev('evfile00002', { type: 'file.share' })], ME));
    expect(merged.shared?.items).toEqual(['evfile00001', 'evpoll00001', 'evput000001', 'evfile00002']);
  });

  it('names the entry an answer changes, and a single occurrence changed or cancelled on its own', () => {
    const change = changeOfEvents(
      [
        ev('evrsvp00001', { type: 'calendar.rsvp', uid: 'uidvisite01', rsvp: 'yes' }),
        ev('evocc000001', {
          type: 'calendar.occurrence.put',
          uid: 'uidseries01',
          recurrenceId: 1_767_600_000_000,
          title: 'Visite später',
          start: 1_767_603_600_000,
          end: 1_767_607_200_000,
        }),
        ev('evocc000002', { type: 'calendar.occurrence.cancel', uid: 'uidseries01', recurrenceId: 1_768_204_800_000 }),
        // The same occurrence twice in one event is one.
        ev('evocc000003', { type: 'calendar.occurrence.cancel', uid: 'uidseries01', recurrenceId: 1_768_204_800_000 }),
      ],
      ME,
    );
    expect(change).toEqual({
      reload: false,
      messageIds: [],
      quoted: [],
      collab: true,
      shared: {
        ...NOTHING_SHARED,
        uids: ['uidvisite01', 'uidseries01'],
        occurrences: [
          { uid: 'uidseries01', recurrenceId: 1_767_600_000_000 },
          { uid: 'uidseries01', recurrenceId: 1_768_204_800_000 },
        ],
      },
    });
    // One without its place in the series cannot be named: the views read again.
    expect(
      changeOfEvents([ev('evocc000004', { type: 'calendar.occurrence.put', uid: 'uidseries01' })], ME).shared,
    ).toBeNull();
  });

  it('marks polls, files and calendar entries as collaboration changes without touching messages', () => {
    for (const type of ['poll.vote', 'file.share', 'calendar.put', 'calendar.occurrence.cancel'])
      expect(changeOfEvents([ev('evcollab001', { type })], ME)).toMatchObject({ reload: false, collab: true });
  });

  it("reloads for a roster or settings change, another member's read receipt, and anything unknown", () => {
    // A roster or settings change reloads the messages; the item it may make (a rename) is named.
    expect(changeOfEvents([ev('evupd000001', { type: 'channel.update', name: 'x' })], ME)).toEqual({
      ...RELOAD,
      // Who may change or close what changed too: the overviews read their lists again.
      shared: { ...NOTHING_SHARED, items: ['evupd000001'], overviews: true },
    });
    // A receipt changes read counts, nothing shared.
    expect(changeOfEvents([ev('evrcpt00001', { type: 'read.receipt', upToSeq: 4 })], ME)).toEqual({
      ...RELOAD,
      collab: false,
      shared: NOTHING_SHARED,
    });
    expect(changeOfEvents([ev('evnew000001', { type: 'something.new' })], ME)).toEqual(RELOAD);
    expect(changeOfEvents([ev('evbad000001', { type: 'message.edit' })], ME).reload).toBe(true);
    // The own receipt changes nobody's read count.
    expect(changeOfEvents([ev('evrcpt00002', { type: 'read.receipt', upToSeq: 4 }, ME)], ME).reload).toBe(false);
  });

  it('changes no message view for the directory channel’s role, template and alert events', () => {
    // Their views (Dienste, Alarme) read again on the channel's event; the announcements stay as loaded.
    for (const type of [
      'role.define',
      'role.schedule',
      'role.hold',
      'role.escalation',
      'template.define',
      'alert.send',
      'alert.ack',
    ])
      expect(changeOfEvents([ev('evdir000001', { type })], ME)).toEqual({
        reload: false,
        messageIds: [],
        quoted: [],
        collab: false,
        shared: NOTHING_SHARED,
      });
  });

  it('reloads when more messages changed than one event carries (a catch-up page)', () => {
    const page = Array.from({ length: 201 }, (_, i) =>
      ev(`msg${String(i).padStart(8, '0')}`, { type: 'message.create' }),
    );
    const messagesOnly = { ...RELOAD, collab: false, shared: NOTHING_SHARED };
    expect(changeOfEvents(page, ME)).toEqual(messagesOnly);
    const half = (from: number) => changeOfEvents(page.slice(from, from + 150), ME);
    expect(mergeChanges(half(0), half(1)).messageIds).toHaveLength(151);
    expect(mergeChanges(half(0), half(51))).toEqual(messagesOnly);
    expect(mergeChanges(half(0), RELOAD)).toEqual(RELOAD);
    // The shared things of a catch-up page are still named when its messages are too many.
    const withPoll = changeOfEvents([...page, ev('evpoll00009', { type: 'poll.create' })], ME);
    expect(withPoll.reload).toBe(true);
    expect(withPoll.shared?.polls).toEqual(['evpoll00009']);
  });
});
