// A timeline row as the renderer sees it: its sender's name, whether it is this user's own, and
// its delivery. One builder for timeline.items (ipc.ts) and the change events (timeline-changes.ts).
import type { TimelineItem } from '@klinikfunk/protocol/api/contract.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { nameLookup } from '../kit/channel-access.ts';
import type { TimelineRow } from './repository.ts';

export async function timelineItems(runtime: ProfileRuntime, rows: readonly TimelineRow[]): Promise<TimelineItem[]> {
  if (rows.length === 0) return [];
  const name = await nameLookup(runtime.profile.store);
  const me = runtime.identity.userId;
  return rows.map(({ senderUserId, ...row }): TimelineItem => ({
    ...row,
    sender: name(senderUserId),
    own: senderUserId === me,
    delivery: row.seq === null ? 'sending' : 'sent',
  }));
}
