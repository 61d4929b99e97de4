// The open conversation's timeline patched from a messages.changed event (renderer lib/shared-patch.ts):
// items by event id inside the window's range, in sort-key order; poll views by poll id.
import { describe, expect, it } from 'vitest';
import { EMPTY_SHARED_PATCH, type SharedPatch } from '@klinikfunk/protocol/api/change-events.ts';
import type { TimelineItem } from '@klinikfunk/protocol/api/contract.ts';
import type { PollView } from '@klinikfunk/protocol/api/features/polls.ts';
import { applySharedPatch } from '../../../apps/desktop/renderer/src/lib/shared-patch.ts';

const file = (eventId: string, sortKey: number, delivery: 'sending' | 'sent' = 'sent'): TimelineItem => ({
  eventId,
  sortKey,
  seq: delivery === 'sent' ? sortKey : null,
  sender: { userId: 'usr00000001', displayName: 'Anna Admin' },
  own: false,
  createdAt: 1_700_000_000_000 + sortKey,
  delivery,
  kind: 'file',
  file: {
    fileId: eventId,
    name: `${eventId}.pdf`,
    mimeType: 'application/pdf',
    size: 10,
    hasThumbnail: false,
    caption: '',
  },
  group: null,
});

const poll = (pollId: string, totalVoters: number): PollView => ({
  pollId,
  question: 'Teamessen?',
  creator: { userId: 'usr00000001', displayName: 'Anna Admin' },
  createdAt: 1,
  multipleChoice: false,
  hideVoters: false,
  deadline: null,
  state: 'open',
  totalVoters,
  myOptionIds: [],
  myVotePending: false,
  canClose: false,
  options: [],
});

const patch = (over: Partial<SharedPatch>): SharedPatch => ({ ...EMPTY_SHARED_PATCH, ...over });
const liveEnd = { afterSortKey: 10, upToSortKey: null };

describe('shared patch', () => {
  it('adds a new item in sort-key order and replaces a delivered one that was being sent', () => {
    const state = { items: [file('evA', 12), file('evPending', 2 ** 50 + 7, 'sending')], polls: [] };
    const next = applySharedPatch(state, liveEnd, patch({ items: [file('evPending', 15), file('evB', 14)] }));
    expect(next.items.map((i) => [i.eventId, i.sortKey])).toEqual([
      ['evA', 12],
      ['evB', 14],
      ['evPending', 15],
    ]);
  });

  it('leaves out an item outside the window and drops a removed one', () => {
    const state = { items: [file('evA', 12), file('evGone', 13)], polls: [] };
    const next = applySharedPatch(
      state,
      { afterSortKey: 10, upToSortKey: 20 },
      patch({
        items: [file('evOld', 5), file('evLater', 25)],
        removedItems: ['evGone'],
      }),
    );
    expect(next.items.map((i) => i.eventId)).toEqual(['evA']);
  });

  it('replaces a poll view by id and puts a new poll first; nothing named keeps the same arrays', () => {
    const state = { items: [file('evA', 12)], polls: [poll('pollA', 0)] };
    const next = applySharedPatch(state, liveEnd, patch({ polls: [poll('pollA', 2), poll('pollB', 0)] }));
    expect(next.polls.map((p) => [p.pollId, p.totalVoters])).toEqual([
      ['pollB', 0],
      ['pollA', 2],
    ]);
    const same = applySharedPatch(state, liveEnd, patch({}));
    expect(same.items).toBe(state.items);
    expect(same.polls).toBe(state.polls);
  });
});
