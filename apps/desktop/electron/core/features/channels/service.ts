// Channels for one signed-in profile: the sidebar's list, a channel's detail, create, members,
// leave, discover and join from the directory, the read position, and the directory's users for
// the member picker. Narrow methods over the profile's store and client; the IPC adapter (ipc.ts)
// hands each call here.
import type { ChannelSummaryView, MethodParsedInput } from '@klinikfunk/protocol/api/contract.ts';
import { sidebarOrder } from '@klinikfunk/protocol/api/features/channels.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { Clock } from '../../clock/clock.ts';
import { currentAnnouncement, requestPending } from '../../client/channel-directory.ts';
import { UnknownUsersError } from '../../client/messaging-client.ts';
import { TransportError } from '../../transport/transport.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { serviceKey } from '../../app/profile-services.ts';
import { channelTitles } from '../kit/channel-titles.ts';
import { readReceiptsOn, UNKNOWN_NAME } from '../kit/channel-access.ts';

/** Whether a channel is listed in the directory right now (by one of its current admins). */
async function isAnnounced(runtime: ProfileRuntime, channelId: string): Promise<boolean> {
  const roster = runtime.client.directory.rosters.get(channelId)?.current;
  return (
    roster?.kind === 'channel' &&
    currentAnnouncement(roster, await runtime.profile.store.channels.announcements(channelId)) !== null
  );
}

/** Channels this device has asked to join with a request still in the outbox (offline, or sending). */
function queuedJoinRequests(runtime: ProfileRuntime): Promise<Set<string>> {
  return runtime.profile.store.outbox.queuedChannelIds(runtime.client.directoryChannelId, ['channel.join_request']);
}

/**
 * The sidebar's channels, named for the reader (channel-titles.ts). A channel joined from the
 * directory is named by its announcement until its own name event arrives; one whose name is known
 * from neither (roster known, first event not) is not shown.
 */
export async function channelSummaries(
  runtime: ProfileRuntime,
  channelIds?: readonly string[],
): Promise<ChannelSummaryView[]> {
  const rows = await runtime.profile.store.channels.listFor(runtime.identity.userId, channelIds);
  const title = await channelTitles(runtime.profile.store, runtime.identity.userId, rows);
  // Announcements are read only for channels without a name of their own (few).
  const announcements = new Map<string, ReturnType<typeof currentAnnouncement>>();
  for (const c of rows) {
    if (c.name === '' && c.kind !== 'direct')
      announcements.set(
        c.channelId,
        currentAnnouncement(
          runtime.client.directory.rosters.get(c.channelId)?.current,
          await runtime.profile.store.channels.announcements(c.channelId),
        ),
      );
  }
  const announced = (channelId: string) => announcements.get(channelId);
  return rows
    .map((c) =>
      c.name === '' && c.kind !== 'direct'
        ? { ...c, name: announced(c.channelId)?.name ?? '', topic: announced(c.channelId)?.topic ?? c.topic }
        : { ...c, name: title(c) },
    )
    .filter((c) => c.name !== '')
    .map((c) => ({
      channelId: c.channelId,
      kind: c.kind,
      name: c.name,
      topic: c.topic,
      unreadCount: c.unreadCount,
      mentionCount: c.mentionCount,
      historyForNewMembers: c.historyForNewMembers,
      orgWide: c.orgWide,
      lastActivityAt: c.lastActivityAt,
    }))
    .sort(sidebarOrder);
}

export class ChannelService {
  readonly #runtime: ProfileRuntime;
  readonly #clock: Clock;
  constructor(runtime: ProfileRuntime, clock: Clock) {
    this.#runtime = runtime;
    this.#clock = clock;
  }

  /** The organisation's users, for the member picker. */
  users() {
    return this.#runtime.profile.store.directory.users();
  }

  list(): Promise<ChannelSummaryView[]> {
    return channelSummaries(this.#runtime);
  }

  async get(channelId: string) {
    const runtime = this.#runtime;
    const store = runtime.profile.store;
    // A member's channel always has its row (the router's member check joins on it: channel-members.ts).
    const c = (await store.channels.settings(channelId))!;
    const members = await store.members.withNames(channelId);
    const [summary] = await store.channels.listFor(runtime.identity.userId, [channelId]);
    const title = await channelTitles(store, runtime.identity.userId, [{ channelId, kind: c.kind }]);
    return {
      channelId,
      kind: c.kind,
      name: title({ channelId, kind: c.kind, name: c.name }),
      topic: c.topic,
      unreadCount: summary?.unreadCount ?? 0,
      mentionCount: summary?.mentionCount ?? 0,
      historyForNewMembers: c.historyForNewMembers,
      orgWide: c.orgWide,
      lastActivityAt: summary?.lastActivityAt ?? 0,
      members: members.map((m) => ({
        userId: m.userId,
        displayName: m.displayName ?? UNKNOWN_NAME,
        role: m.role,
        ward: m.ward,
      })),
      canManage: members.some((m) => m.userId === runtime.identity.userId && m.role === 'admin'),
    };
  }

  async create(input: MethodParsedInput<'channels.create'>) {
    const runtime = this.#runtime;
    const discoverable = input.discoverable && input.kind === 'channel';
    // Announcing needs the org-wide channel; an admin device adds every user to it soon after they are created.
    if (discoverable && !runtime.client.inDirectory())
      throw new AppError('unavailable', 'The organisation-wide channel is not available on this device yet.');
    const channelId = await knownMembers(() =>
      runtime.client.createChannel({
        kind: input.kind,
        name: input.name,
        topic: input.topic,
        memberUserIds: input.memberUserIds,
        historyForNewMembers: input.historyForNewMembers,
        discoverable,
      }),
    );
    // The new channel, as the sidebar will list it: its name took effect when queued, so the UI
    // opens it now instead of waiting for a list that has it.
    const [channel] = await channelSummaries(runtime, [channelId]);
    if (!channel) throw new AppError('internal', 'The new channel is not in the list.');
    return { channelId, channel };
  }

  async setMembers(channelId: string, memberUserIds: string[]): Promise<void> {
    const runtime = this.#runtime;
    const current = await runtime.profile.store.channels.members(channelId);
    const me = runtime.identity.userId;
    if (!current.some((m) => m.userId === me && m.role === 'admin'))
      throw new AppError('not_permitted', 'Only channel admins change members.');
    const admins = new Set(current.filter((m) => m.role === 'admin').map((m) => m.userId));
    const next = [...new Set([me, ...memberUserIds])].map((userId) => ({
      userId,
      role: admins.has(userId) ? ('admin' as const) : ('member' as const),
    }));
    await knownMembers(() => runtime.client.setMembers(channelId, next));
  }

  async leave(channelId: string): Promise<void> {
    const runtime = this.#runtime;
    if (channelId === runtime.client.directoryChannelId)
      throw new AppError('not_permitted', 'Everyone in the organisation belongs to the organisation-wide channel.');
    const me = runtime.identity.userId;
    const current = await runtime.profile.store.channels.members(channelId);
    const rest = current
      .filter((m) => m.userId !== me)
      .map((m) => ({ userId: m.userId, role: m.role as 'admin' | 'member' }));
    // The last admin hands the channel to the remaining members rather than orphaning it. A
    // member who is not an admin signs the roster without themselves (docs/protocol.md).
    if (rest.length > 0 && !rest.some((m) => m.role === 'admin')) rest[0]!.role = 'admin';
    if (rest.length > 0) await runtime.client.setMembers(channelId, rest);
    // The last one out takes the channel out of the directory: nobody would be there to let anyone in.
    else if (await isAnnounced(runtime, channelId)) await runtime.client.unannounce(channelId);
    await runtime.profile.store.channels.setLeft(channelId, this.#clock.now());
    // Gone from the sidebar now: the roster's own event may have been read before this.
    runtime.channelsChanged([channelId]);
  }

  async discover() {
    const runtime = this.#runtime;
    const { store } = runtime.profile;
    const { directory } = runtime.client;
    const me = runtime.identity.userId;
    const announcements = await store.channels.announcements();
    const requests = new Map(
      (await store.channels.joinRequests()).filter((r) => r.userId === me).map((r) => [r.channelId, r]),
    );
    const queued = await queuedJoinRequests(runtime);
    const list = [];
    for (const channelId of new Set(announcements.map((a) => a.channelId))) {
      const roster = directory.rosters.get(channelId);
      if (!roster || roster.current.kind !== 'channel' || channelId === runtime.client.directoryChannelId) continue;
      if (directory.isMember(channelId, me)) continue;
      const announcement = currentAnnouncement(
        roster.current,
        announcements.filter((a) => a.channelId === channelId),
      );
      if (!announcement) continue;
      list.push({
        channelId,
        name: announcement.name,
        topic: announcement.topic,
        historyForNewMembers: roster.current.historyForNewMembers,
        memberCount: roster.current.members.length,
        state:
          queued.has(channelId) || requestPending(roster, requests.get(channelId))
            ? ('requested' as const)
            : ('open' as const),
      });
    }
    return list.sort((a, b) => a.name.localeCompare(b.name, 'de'));
  }

  async join(channelId: string) {
    const runtime = this.#runtime;
    const { client } = runtime;
    const me = runtime.identity.userId;
    if (!(await isAnnounced(runtime, channelId)))
      throw new AppError('not_found', 'This channel is not in the directory (any more).');
    // A channel left earlier shows again once the roster includes this user.
    await runtime.profile.store.channels.setLeft(channelId, null);
    runtime.channelsChanged([channelId]);
    if (client.directory.isMember(channelId, me)) return { state: 'member' as const };
    if (!client.inDirectory())
      throw new AppError('unavailable', 'The organisation-wide channel is not available on this device yet.');
    const own = (await runtime.profile.store.channels.joinRequests()).find(
      (r) => r.channelId === channelId && r.userId === me,
    );
    const alreadyAsked =
      (await queuedJoinRequests(runtime)).has(channelId) ||
      requestPending(client.directory.rosters.get(channelId), own);
    if (!alreadyAsked) await client.requestJoin(channelId);
    return { state: 'requested' as const };
  }

  async markRead(channelId: string, upToSortKey: number): Promise<void> {
    const runtime = this.#runtime;
    const store = runtime.profile.store;
    await store.channels.markRead(channelId, upToSortKey, this.#clock.now());
    // The unread badge is computed from the read position: without this the sidebar kept the
    // count of its last reload until some other change happened to reload it.
    runtime.channelsChanged([channelId]);
    if (readReceiptsOn(runtime)) {
      // A receipt names the highest relay seq read; sent only when it moves, so scrolling sends little.
      const seq = await store.messageDetails.orderedSeqUpTo(channelId, upToSortKey);
      const sent = (await store.getSetting<number>(`receipt.${channelId}`)) ?? 0;
      if (seq !== null && seq > sent) {
        await store.setSetting(`receipt.${channelId}`, seq);
        await runtime.client.send(channelId, { type: 'read.receipt', upToSeq: seq });
      }
    }
  }
}

const CHANNELS = serviceKey<ChannelService>('channels');

/** The profile's channel service, made once per sign-in (it goes with the runtime). */
export function channelService(runtime: ProfileRuntime, clock: Clock): ChannelService {
  return runtime.services.get(CHANNELS, () => new ChannelService(runtime, clock));
}

/** A roster naming someone the signed directory does not know is the caller's pick, not a bug. */
async function knownMembers<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof UnknownUsersError)
      throw new AppError('not_found', `Not in the organisation's directory: ${error.userIds.join(', ')}`);
    // The relay's cap on channels a device creates per day (docs/security.md).
    if (error instanceof TransportError && error.code === 'quota_exceeded')
      throw new AppError('not_permitted', error.message);
    throw error;
  }
}
