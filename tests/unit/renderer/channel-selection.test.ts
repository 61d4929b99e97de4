// Issue 15, item 1: a channels.list answer never swaps the open channel for another one; issue 16
// item 5: nor does a channels.changed patch, which keeps the core's order.
import { describe, expect, it } from 'vitest';
import type { ChannelSummaryView } from '@klinikfunk/protocol/api/contract.ts';
import { applyChannelList, applyChannelPatch } from '../../../apps/desktop/renderer/src/lib/channel-selection.ts';

const channel = (channelId: string, name: string, orgWide = false): ChannelSummaryView => ({
  channelId,
  kind: orgWide ? 'channel' : 'conversation',
  name,
  topic: '',
  unreadCount: 0,
  mentionCount: 0,
  historyForNewMembers: false,
  orgWide,
  lastActivityAt: 0,
});

const general = channel('chnAllgemein01', 'Allgemein', true);
const ward = channel('chnStation3B01', 'Station 3B');
const group = channel('chnUebergabe01', 'Übergabe 1');

describe('a new channels.list answer', () => {
  it('keeps a channel created here listed and open while an answer from before it lacks it', () => {
    const change = applyChannelList([general, ward, group], [general, ward], [group], group.channelId);
    expect(change.channels.map((c) => c.name)).toEqual(['Allgemein', 'Station 3B', 'Übergabe 1']);
    expect(change.lost).toBeNull();
    expect(change.created).toEqual([group]);
  });

  it('forgets the created channel once a list has it (the list then decides)', () => {
    const named = { ...group, unreadCount: 2 };
    const change = applyChannelList([general, group], [general, named], [group], group.channelId);
    expect(change.channels).toEqual([general, named]);
    expect(change.created).toEqual([]);
  });

  it('reports the open channel as lost when it disappears, and never picks another one', () => {
    const change = applyChannelList([general, ward], [general], [], ward.channelId);
    expect(change.lost).toEqual(ward);
    expect(change.channels).toEqual([general]);
  });

  it('changes nothing about the selection when another channel disappears or nothing is open', () => {
    expect(applyChannelList([general, ward], [general], [], general.channelId).lost).toBeNull();
    expect(applyChannelList([general, ward], [ward], [], null).lost).toBeNull();
  });
});

describe('a channels.changed patch', () => {
  const patch = (upserted: ChannelSummaryView[], removed: string[] = []) =>
    ({ reload: false, directory: false, upserted, removed }) as const;

  it('replaces the changed rows and keeps the order: org-wide first, then the newest activity', () => {
    const busy = { ...ward, unreadCount: 3, lastActivityAt: 5 };
    const change = applyChannelPatch([general, group, ward], patch([busy]), [], group.channelId);
    expect(change.channels).toEqual([general, busy, group]);
    expect(change.lost).toBeNull();
  });

  it('adds a channel it names for the first time and drops one it names as removed', () => {
    const change = applyChannelPatch([general, ward], patch([group], [ward.channelId]), [], general.channelId);
    expect(change.channels.map((c) => c.channelId)).toEqual([general.channelId, group.channelId]);
  });

  it('reports the open channel as lost when the patch removes it, and never picks another one', () => {
    const change = applyChannelPatch([general, ward], patch([], [ward.channelId]), [], ward.channelId);
    expect(change.lost).toEqual(ward);
    expect(change.channels).toEqual([general]);
  });

  it('forgets a channel created here once a patch names it', () => {
    const named = { ...group, unreadCount: 1 };
    const change = applyChannelPatch([general, group], patch([named]), [group], group.channelId);
    expect(change.created).toEqual([]);
    expect(change.channels).toEqual([general, named]);
  });
});
