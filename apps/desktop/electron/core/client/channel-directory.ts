// The rules of channel discovery, as pure functions over the signed rosters and the rows the store
// materialised from the directory channel (docs/protocol.md "Discoverable channels"). Every device
// computes the same answers from the same log, so several admin devices accepting join requests
// at once agree on what to do; the roster chain then lets only one of them do it per epoch.
import { toBase64Url, utf8 } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RecordBody } from '@klinikfunk/protocol/wire/records.ts';
import { sodium } from '@klinikfunk/crypto/sodium.ts';

type Roster = Pick<RecordBody<'roster'>, 'epoch' | 'members'>;
export interface RosterHistory {
  current: Roster;
  records: ReadonlyArray<{ body: Roster }>;
}

export interface AnnouncementRow {
  channelId: string;
  announcerUserId: string;
  seq: number;
  listed: boolean;
  name: string;
  topic: string;
  historyForNewMembers: boolean;
}

export interface JoinRequestRow {
  channelId: string;
  userId: string;
  seq: number;
  knownEpoch: number;
}

const DIRECTORY_CONTEXT = utf8.encode('klinikfunk/v1/directory-channel');

/**
 * The id of the organisation-wide directory channel, derived from the org id: every device knows it
 * without being told, and two admins creating it at once collide on epoch 1 instead of making two.
 */
export function directoryChannelId(orgId: string): string {
  return `chnorg${toBase64Url(sodium().crypto_generichash(16, utf8.encode(orgId), DIRECTORY_CONTEXT))}`;
}

/**
 * Members the directory roster should have: every active user, all as `member`, so only the
 * organisation key (never a device) can change it. Sorted, so two admin devices sign the same list.
 */
export function directoryMembers(
  users: Iterable<{ userId: string; active: boolean }>,
  revokedUsers: ReadonlySet<string>,
): Array<{ userId: string; role: 'member' }> {
  return [...users]
    .filter((u) => u.active && !revokedUsers.has(u.userId))
    .map((u) => u.userId)
    .sort()
    .map((userId) => ({ userId, role: 'member' as const }));
}

export function sameMembers(
  a: ReadonlyArray<{ userId: string; role: string }>,
  b: ReadonlyArray<{ userId: string; role: string }>,
): boolean {
  const key = (list: ReadonlyArray<{ userId: string; role: string }>) =>
    list
      .map((m) => `${m.userId}:${m.role}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}

const isAdmin = (roster: Roster, userId: string) =>
  roster.members.some((m) => m.userId === userId && m.role === 'admin');
const isMember = (roster: Roster, userId: string) => roster.members.some((m) => m.userId === userId);

/**
 * The announcement in force for a channel: the newest by seq among those whose sender is an admin
 * of the channel's current roster (a former admin's, or any member's, counts for nothing). Null
 * when the channel is not listed.
 */
export function currentAnnouncement(
  roster: Roster | undefined,
  announcements: readonly AnnouncementRow[],
): AnnouncementRow | null {
  if (!roster) return null;
  const valid = announcements.filter((a) => isAdmin(roster, a.announcerUserId)).sort((a, b) => b.seq - a.seq);
  return valid[0]?.listed ? valid[0] : null;
}

/** True once the requester was in a roster after the epoch the request named: it was granted. */
export function requestFulfilled(
  history: RosterHistory,
  request: Pick<JoinRequestRow, 'userId' | 'knownEpoch'>,
): boolean {
  return history.records.some((r) => r.body.epoch > request.knownEpoch && isMember(r.body, request.userId));
}

/** The requester's own view: a request is pending until it is fulfilled or they are a member. */
export function requestPending(history: RosterHistory | undefined, request: JoinRequestRow | undefined): boolean {
  if (!request) return false;
  if (!history) return true;
  return !isMember(history.current, request.userId) && !requestFulfilled(history, request);
}

/**
 * What an admin device adds now: for each listed channel this user administers, the requesters
 * (in relay order) who are active, not members, and whose request is still open. A request naming
 * an epoch this device has not seen yet waits for the directory to catch up.
 */
export function joinsToAccept(input: {
  selfUserId: string;
  rosters: ReadonlyMap<string, RosterHistory>;
  announcements: readonly AnnouncementRow[];
  requests: readonly JoinRequestRow[];
  isActiveUser: (userId: string) => boolean;
}): Map<string, string[]> {
  const plan = new Map<string, string[]>();
  for (const request of [...input.requests].sort((a, b) => a.seq - b.seq)) {
    const history = input.rosters.get(request.channelId);
    if (!history || !isAdmin(history.current, input.selfUserId)) continue;
    if (
      !currentAnnouncement(
        history.current,
        input.announcements.filter((a) => a.channelId === request.channelId),
      )
    )
      continue;
    if (!input.isActiveUser(request.userId) || isMember(history.current, request.userId)) continue;
    if (request.knownEpoch > history.current.epoch || requestFulfilled(history, request)) continue;
    const users = plan.get(request.channelId) ?? [];
    if (!users.includes(request.userId)) users.push(request.userId);
    plan.set(request.channelId, users);
  }
  return plan;
}
