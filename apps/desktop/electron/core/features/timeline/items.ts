// A timeline row as the renderer sees it: its sender's name, whether it is this user's own, and
// its delivery. One builder for timeline.items (ipc.ts), the page a channel opens with
// (features/channel-page.ts) and the change events (timeline-changes.ts).
import type { TimelineItem } from '@klinikfunk/protocol/api/contract.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { nameLookup } from '../kit/channel-access.ts';
import { timelineRepository, type TimelineRange, type TimelineRow } from './repository.ts';

export async function timelineItems(runtime: ProfileRuntime, rows: readonly TimelineRow[]): Promise<TimelineItem[]> {
  if (rows.length === 0) return [];
  const name = await nameLookup(runtime.profile.store);
  const me = runtime.identity.userId;
  return rows.map(({ senderUserId, ...row }): TimelineItem => {
    const base = { sender: name(senderUserId), own: senderUserId === me };
    if (row.kind === 'members') {
      const { added, removed, ...rest } = row.members;
      // A verified roster change, not an event of the log: nothing of it is still being sent.
      return {
        ...row,
        ...base,
        delivery: 'sent',
        members: { ...rest, added: added.map(name), removed: removed.map(name) },
      };
    }
    return { ...row, ...base, delivery: row.seq === null ? 'sending' : 'sent' };
  });
}

/** The items of a sort-key range as this user sees them (with the member lines they may see). */
export async function itemsInRange(
  runtime: ProfileRuntime,
  channelId: string,
  range: Omit<TimelineRange, 'viewerUserId'>,
): Promise<{ items: TimelineItem[]; truncated: boolean }> {
  const { rows, truncated } = runtime.profile.store
    .repository(timelineRepository)
    .inRange(channelId, { ...range, viewerUserId: runtime.identity.userId });
  return { items: await timelineItems(runtime, rows), truncated };
}
