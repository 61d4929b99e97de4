// Availability for one signed-in profile: everyone's status in force now, setting this user's, and
// the step after an urgent send that hands the message to the cover of each member marked "nicht
// stören". Everything answers as if there were no statuses while the organisation's signed settings
// leave availability off (the default).
import type { AvailabilityView, CoverForward } from '@klinikfunk/protocol/api/features/availability.ts';
import type { MethodParsedInput } from '@klinikfunk/protocol/api/contract.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { AvailabilityCover } from '@klinikfunk/protocol/domain/availability-events.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { serviceKey } from '../../app/profile-services.ts';
import type { Clock } from '../../clock/clock.ts';
import type { Logger } from '../../log/logger.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';
import { UNKNOWN_NAME } from '../kit/channel-access.ts';
import { roleHoldersAt, type RoleHolding } from '../kit/role-holders.ts';
import type { UrgentForward, UrgentSent } from '../kit/urgent-sent.ts';
import { availabilityRepository, type AvailabilityRepository } from './repository.ts';
import { statusAt } from './status.ts';

/** Availability shows and travels only while the organisation's signed settings switch it on. */
export const availabilityOn = (runtime: ProfileRuntime): boolean =>
  runtime.client.directory.orgSettings?.body.availability === true;

export class AvailabilityService {
  readonly #runtime: ProfileRuntime;
  readonly #clock: Clock;

  constructor(runtime: ProfileRuntime, clock: Clock) {
    this.#runtime = runtime;
    this.#clock = clock;
  }

  get #repo(): AvailabilityRepository {
    return this.#runtime.profile.store.repository(availabilityRepository);
  }

  async list(): Promise<{
    enabled: boolean;
    statuses: AvailabilityView[];
    peers: Array<{ channelId: string; userId: string }>;
  }> {
    if (!availabilityOn(this.#runtime)) return { enabled: false, statuses: [], peers: [] };
    const store = this.#runtime.profile.store;
    const names = await store.directory.displayNames();
    const now = this.#clock.now();
    const statuses: AvailabilityView[] = [];
    for (const [userId, ops] of this.#repo.opsByUser()) {
      const status = statusAt(ops, now);
      if (!status || !names.has(userId)) continue;
      statuses.push({
        userId,
        state: status.state,
        until: status.until,
        since: status.since,
        cover: status.cover && this.#coverView(status.cover, names, now),
      });
    }
    return { enabled: true, statuses, peers: this.#peers() };
  }

  /** The other member of each direct conversation this user is in. */
  #peers(): Array<{ channelId: string; userId: string }> {
    const me = this.#runtime.identity.userId;
    const peers: Array<{ channelId: string; userId: string }> = [];
    for (const [channelId, state] of this.#runtime.client.directory.rosters) {
      if (state.current.kind !== 'direct') continue;
      const ids = state.current.members.map((m) => m.userId);
      const other = ids.find((u) => u !== me);
      if (ids.includes(me) && other !== undefined) peers.push({ channelId, userId: other });
    }
    return peers;
  }

  #coverView(cover: AvailabilityCover, names: Map<string, string>, now: number): AvailabilityView['cover'] {
    if (cover.kind === 'user') return { kind: 'user', id: cover.userId, name: names.get(cover.userId) ?? UNKNOWN_NAME };
    const role = roleHoldersAt(this.#runtime.profile.store, cover.roleId, now);
    return { kind: 'role', id: cover.roleId, name: role?.name ?? UNKNOWN_NAME };
  }

  async set(input: MethodParsedInput<'availability.set'>): Promise<void> {
    const runtime = this.#runtime;
    if (!availabilityOn(runtime))
      throw new AppError('unavailable', 'Availability is switched off by the organisation.');
    if (!runtime.client.inDirectory())
      throw new AppError('unavailable', 'The organisation-wide channel is not available on this device yet.');
    const { state, cover, until } = input;
    const now = this.#clock.now();
    if ((state === 'dnd') !== (cover !== null))
      throw new AppError('invalid_input', 'A cover goes with "nicht stören" and only with it.');
    if (state === 'away' && until === null) throw new AppError('invalid_input', '"abwesend" needs an end.');
    if (state === 'none' && until !== null) throw new AppError('invalid_input', 'No status has no end.');
    if (until !== null && until <= now) throw new AppError('invalid_input', 'The end must be in the future.');
    if (cover?.kind === 'user') {
      const user = (await runtime.profile.store.directory.users()).find((u) => u.userId === cover.userId);
      if (!user?.active || cover.userId === runtime.identity.userId)
        throw new AppError('not_found', 'The cover must be another active colleague.');
    }
    if (cover?.kind === 'role' && !roleHoldersAt(runtime.profile.store, cover.roleId, now))
      throw new AppError('not_found', 'No such function role.');
    await runtime.client.send(runtime.client.directoryChannelId, {
      type: 'availability.set',
      userId: runtime.identity.userId,
      state,
      cover,
      until,
    });
  }

  async forwards(channelId: string): Promise<Array<CoverForward & { messageId: string }>> {
    if (!availabilityOn(this.#runtime)) return [];
    const names = await this.#runtime.profile.store.directory.displayNames();
    const name = (u: string) => names.get(u) ?? UNKNOWN_NAME;
    const now = this.#clock.now();
    return this.#repo.forwards(channelId).map((f) => ({
      messageId: f.messageId,
      absentUserId: f.absentUserId,
      absentName: name(f.absentUserId),
      coverNames: f.coverUserIds.map(name),
      coverRoleName:
        f.coverRoleId === null
          ? null
          : (roleHoldersAt(this.#runtime.profile.store, f.coverRoleId, now)?.name ?? UNKNOWN_NAME),
    }));
  }

  /**
   * After this user queued an urgent message: for each other member whose status in force now (on
   * this device's clock) is "nicht stören", the cover's users at this moment (a role: its holders,
   * or its backup role's when nobody who could take it holds it) other than the sender and the absent member. Each of them who is not in the channel gets a copy
   * as an urgent message in the sender's direct conversation with them (made when there is none);
   * a line `availability.forward` goes with the message and with each copy, so every member of
   * either conversation shows who was not reachable and who got it. The decision is the sender's
   * alone and travels signed: no receiver decides it again from its own view of the statuses.
   * A cover that could not be reached (a role nobody holds and no backup, no relay to publish a new direct
   * conversation to) is left out of the lines and the sender's answer, which then names nobody for
   * that member: the sender must know to reach the cover another way.
   */
  async forwardUrgent(sent: UrgentSent, log: Logger): Promise<UrgentForward[]> {
    const runtime = this.#runtime;
    if (!availabilityOn(runtime)) return [];
    const { client, profile } = runtime;
    const me = runtime.identity.userId;
    const now = this.#clock.now();
    const members = new Set((await profile.store.channels.members(sent.channelId)).map((m) => m.userId));
    const users = new Map((await profile.store.directory.users()).map((u) => [u.userId, u]));
    const forwarded: UrgentForward[] = [];
    for (const absent of members) {
      if (absent === me) continue;
      const status = statusAt(this.#repo.opsOf(absent), now);
      if (status?.state !== 'dnd' || !status.cover) continue;
      const eligible = (u: string) => u !== me && u !== absent && users.get(u)?.active === true;
      const { roleId, role } = this.#coverRole(status.cover, eligible, now);
      const candidates = status.cover.kind === 'user' ? [status.cover.userId] : (role?.userIds ?? []);
      const covers = candidates.filter(eligible);
      const reached: string[] = [];
      const copies: Array<{ direct: string; copyId: string }> = [];
      for (const cover of covers) {
        // In the channel already: the message reached them there.
        if (members.has(cover)) reached.push(cover);
        else
          try {
            const direct = await this.#directWith(cover, users.get(cover)?.displayName ?? UNKNOWN_NAME);
            copies.push({ direct, copyId: await client.sendMessage(direct, sent.body, { urgent: true }) });
            reached.push(cover);
          } catch (error) {
            log.warn('urgent message not handed to a cover', { channelId: sent.channelId, error: loggable(error) });
          }
      }
      if (reached.length > 0) {
        const line = {
          type: 'availability.forward' as const,
          absentUserId: absent,
          coverUserIds: reached,
          coverRoleId: roleId,
        };
        for (const { direct, copyId } of copies) await client.send(direct, { ...line, messageId: copyId });
        await client.send(sent.channelId, { ...line, messageId: sent.messageId });
      }
      forwarded.push({
        absentUserId: absent,
        absentName: users.get(absent)?.displayName ?? UNKNOWN_NAME,
        coverNames: reached.map((u) => users.get(u)?.displayName ?? UNKNOWN_NAME),
        coverRoleName: status.cover.kind === 'role' ? (role?.name ?? UNKNOWN_NAME) : null,
      });
    }
    return forwarded;
  }

  /**
   * A cover that is a role: the role, or when nobody who could take the message holds it, its
   * backup role (one step, as the role's own definition names it), so the message still reaches
   * somebody on duty; null role for a cover that is a person.
   */
  #coverRole(
    cover: AvailabilityCover,
    eligible: (userId: string) => boolean,
    now: number,
  ): { roleId: string | null; role: RoleHolding | null } {
    if (cover.kind === 'user') return { roleId: null, role: null };
    const store = this.#runtime.profile.store;
    const role = roleHoldersAt(store, cover.roleId, now);
    if (!role || role.userIds.some(eligible) || role.backupRoleId === null) return { roleId: cover.roleId, role };
    const backup = roleHoldersAt(store, role.backupRoleId, now);
    return backup ? { roleId: role.backupRoleId, role: backup } : { roleId: cover.roleId, role };
  }

  /** The sender's direct conversation with this colleague (the newest one both are in), made when there is none. */
  async #directWith(userId: string, name: string): Promise<string> {
    const { client, profile } = this.#runtime;
    const me = this.#runtime.identity.userId;
    const left = await profile.store.channels.leftIds();
    for (const [channelId, state] of client.directory.rosters) {
      const roster = state.current;
      if (roster.kind !== 'direct' || left.has(channelId)) continue;
      const ids = new Set(roster.members.map((m) => m.userId));
      if (ids.size === 2 && ids.has(me) && ids.has(userId)) return channelId;
    }
    return client.createChannel({ kind: 'direct', name, memberUserIds: [userId] });
  }
}

const AVAILABILITY = serviceKey<AvailabilityService>('availability');

export function availabilityService(runtime: ProfileRuntime, clock: Clock): AvailabilityService {
  return runtime.services.get(AVAILABILITY, () => new AvailabilityService(runtime, clock));
}
