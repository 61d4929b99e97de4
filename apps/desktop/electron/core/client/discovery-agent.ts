// What a device does by itself for channel discovery, after each directory refresh and each page
// of the directory channel (docs/protocol.md "Discoverable channels"):
//  - devices holding the org key keep the directory channel's roster at every active user;
//  - devices of a channel's admins accept open join requests for it while it is announced, keep
//    its announcement current (renamed, or its announcing admin left) and re-share its history
//    to new member devices when the channel allows that;
//  - member devices of a channel a feature keeps (channel-keepers.ts: a conversation with a role)
//    sign its roster as the feature plans it, re-share the history to the devices that roster
//    adds, and delete what a keeper says this device must no longer read.
// Runs are serial and coalesced. Two admin devices racing for the same roster epoch: the relay
// takes one (the chain's prevHash refuses the other); the loser refreshes and finds the work done
// or builds on the new epoch.
import type { ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import type { KeyShare } from '../crypto/channel-crypto.ts';
import type { Timer } from '../clock/clock.ts';
import { channelKeepers, type KeeperContext } from './channel-keepers.ts';
import type { Directory } from '@klinikfunk/crypto/directory.ts';
import type { Logger } from '../log/logger.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import {
  currentAnnouncement,
  directoryChannelId,
  directoryMembers,
  joinsToAccept,
  sameMembers,
  type AnnouncementRow,
  type JoinRequestRow,
} from './channel-directory.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

type Member = { userId: string; role: 'admin' | 'member' };

export interface DiscoveryAgentDeps {
  directory: Directory;
  store: ProfileStore;
  self: { userId: string; deviceId: string };
  /** This device holds the organisation key (an admin device); it may come later (backup, shares). */
  holdsOrgKey: () => boolean;
  log: Logger;
  publishRoster(
    channelId: string,
    kind: 'channel' | 'conversation' | 'direct',
    members: Member[],
    history: boolean,
    signer: 'org' | 'device',
  ): Promise<void>;
  refreshDirectory(): Promise<void>;
  send(channelId: string, payload: ChannelEventPayload): Promise<string>;
  /** Sends the channel's name and settings again (so members added just now learn them). */
  repeatSettings(channelId: string): Promise<void>;
  shareHistory(channelId: string, deviceIds: string[]): KeyShare[];
  mail(shares: KeyShare[]): Promise<void>;
  /** Deletes a channel's content and keys on this device (a keeper says it must not read it any more). */
  forget(channelId: string): Promise<void>;
  now(): number;
  after(ms: number, fn: () => void): Timer;
}

/** A keeper's next change further ahead than this is looked at again then (timers overflow past ~24 days). */
const LONGEST_WAIT_MS = 6 * 3600_000;

/** A refused roster is retried this often (after a refresh) before waiting for the next run. */
const ATTEMPTS = 4;

export class DiscoveryAgent {
  readonly #deps: DiscoveryAgentDeps;
  readonly directoryId: string;
  #running: Promise<void> | null = null;
  #again = false;
  #wake: Timer | null = null;
  #stopped = false;

  constructor(deps: DiscoveryAgentDeps) {
    this.#deps = deps;
    this.directoryId = directoryChannelId(deps.directory.orgId);
  }

  /** Asks for a run; a call during a run makes one more run after it. Resolves when idle. */
  schedule(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#step('directory roster', () => this.#ensureDirectory());
        await this.#step('join requests', () => this.#acceptJoins());
        await this.#step('announcements', () => this.#keepAnnouncements());
        await this.#step('kept rosters', () => this.#keepRosters());
        await this.#step('history', () => this.#shareOwedHistory());
      } while (this.#again);
      this.#running = null;
    })();
    return this.#running;
  }

  /** No further timed runs (the client stops). */
  stop(): void {
    this.#stopped = true;
    this.#wake?.cancel();
    this.#wake = null;
  }

  async #step(name: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.#deps.log.warn(`discovery: ${name} failed`, { error: loggable(error) });
    }
  }

  /** Publishes a roster, refreshing and recomputing after a refusal; `next` returns null when nothing is left to do. */
  async #publishWithRetry(
    channelId: string,
    signer: 'org' | 'device',
    next: () => { members: Member[]; kind: 'channel' | 'conversation' | 'direct'; history: boolean } | null,
  ): Promise<boolean> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const plan = next();
      if (!plan) return false;
      try {
        await this.#deps.publishRoster(channelId, plan.kind, plan.members, plan.history, signer);
        return true;
      } catch (error) {
        this.#deps.log.info('discovery: roster refused, refreshing', { channelId, attempt, error: loggable(error) });
        await this.#deps.refreshDirectory();
      }
    }
    return false;
  }

  async #ensureDirectory(): Promise<void> {
    if (!this.#deps.holdsOrgKey()) return;
    const { directory } = this.#deps;
    await this.#publishWithRetry(this.directoryId, 'org', () => {
      const desired = directoryMembers(
        [...directory.users.values()].map((u) => ({ userId: u.body.userId, active: u.body.active })),
        directory.revokedUsers,
      );
      const state = directory.rosters.get(this.directoryId);
      if (desired.length === 0 || (state && sameMembers(state.current.members, desired))) return null;
      return { members: desired, kind: 'channel', history: state?.current.historyForNewMembers ?? true };
    });
  }

  #leftChannels(): Promise<Set<string>> {
    return this.#deps.store.channels.leftIds();
  }

  async #acceptJoins(): Promise<void> {
    const { directory, store, self } = this.#deps;
    const requests: JoinRequestRow[] = await store.channels.joinRequests();
    if (requests.length === 0) return;
    const left = await this.#leftChannels();
    const plan = joinsToAccept({
      selfUserId: self.userId,
      rosters: directory.rosters,
      announcements: await store.channels.announcements(),
      requests,
      isActiveUser: (userId) =>
        directory.users.get(userId)?.body.active === true && !directory.revokedUsers.has(userId),
    });
    for (const [channelId, userIds] of plan) {
      if (left.has(channelId)) continue;
      const added = await this.#publishWithRetry(channelId, 'device', () => {
        const current = directory.rosters.get(channelId)?.current;
        if (!current?.members.some((m) => m.userId === self.userId && m.role === 'admin')) return null;
        const missing = userIds.filter((u) => !current.members.some((m) => m.userId === u));
        if (missing.length === 0) return null;
        return {
          members: [...current.members, ...missing.map((userId) => ({ userId, role: 'member' as const }))],
          kind: current.kind,
          history: current.historyForNewMembers,
        };
      });
      if (added) {
        this.#deps.log.info('discovery: join requests accepted', { channelId, count: userIds.length });
        await this.#deps.repeatSettings(channelId);
      }
    }
  }

  async #keepAnnouncements(): Promise<void> {
    const { directory, store, self } = this.#deps;
    const rows = await store.channels.announcements();
    if (rows.length === 0) return;
    const left = await this.#leftChannels();
    const pending = await store.outbox.queuedChannelIds(this.directoryId, ['channel.announce', 'channel.unannounce']);
    for (const channelId of new Set(rows.map((r) => r.channelId))) {
      const state = directory.rosters.get(channelId);
      if (!state || left.has(channelId) || pending.has(channelId)) continue;
      if (!state.current.members.some((m) => m.userId === self.userId && m.role === 'admin')) continue;
      const mine = rows.filter((r) => r.channelId === channelId);
      // Only admins' word counts: current admins first, else those who were admins at some epoch
      // (a member's fake announcement must never make an admin publish a private channel).
      const wasAdmin = (userId: string) =>
        state.records.some((r) => r.body.members.some((m) => m.userId === userId && m.role === 'admin'));
      const isAdminNow = (userId: string) =>
        state.current.members.some((m) => m.userId === userId && m.role === 'admin');
      const newest = (list: AnnouncementRow[]) => [...list].sort((a, b) => b.seq - a.seq)[0];
      const reference =
        newest(mine.filter((r) => isAdminNow(r.announcerUserId))) ??
        newest(mine.filter((r) => wasAdmin(r.announcerUserId)));
      if (!reference?.listed) continue;
      const local = await store.channels.settings(channelId);
      if (!local?.name) continue;
      const inForce = currentAnnouncement(state.current, mine);
      const history = local.historyForNewMembers;
      if (
        inForce &&
        inForce.name === local.name &&
        inForce.topic === local.topic &&
        inForce.historyForNewMembers === history
      )
        continue;
      await this.#deps.send(this.directoryId, {
        type: 'channel.announce',
        channelId,
        name: local.name,
        topic: local.topic,
        kind: 'channel',
        historyForNewMembers: history,
      });
    }
  }

  /**
   * The rosters features keep: signed by this device where they differ from the plan (any member
   * device online first does it; a second one finds the chain moved on and the work done), the
   * history mailed at once to the devices the new roster adds (this device may be the one the
   * handover removes, and a device removed and added again got its earlier share long ago), and
   * what this device must no longer read deleted. Wakes again at the next planned change.
   */
  async #keepRosters(): Promise<void> {
    const { directory, store, self } = this.#deps;
    const left = await this.#leftChannels();
    const ctx = (): KeeperContext => ({ store, directory, self, now: this.#deps.now() });
    const deviceIds = (channelId: string) => directory.memberDevices(channelId).map((d) => d.record.body.deviceId);
    let next: number | null = null;
    for (const keeper of channelKeepers()) {
      for (const plan of keeper.rosters(ctx())) {
        if (left.has(plan.channelId)) continue;
        // Named by the signed roster but refused by the keeper's rule (someone signed them in, or
        // the holder before a handover): they get nothing from this device (Directory's member gate).
        const refused = (directory.rosters.get(plan.channelId)?.current.members ?? []).filter(
          (m) => !directory.isMember(plan.channelId, m.userId),
        );
        if (refused.length > 0)
          this.#deps.log.info('kept roster names members its rule refuses', {
            channelId: plan.channelId,
            keeper: keeper.name,
            reason: 'not_admitted',
            count: refused.length,
          });
        const before = new Set(deviceIds(plan.channelId));
        const published = await this.#publishWithRetry(plan.channelId, 'device', () => {
          const current = directory.rosters.get(plan.channelId)?.current;
          if (!current?.members.some((m) => m.userId === self.userId && m.role === 'admin')) return null;
          if (sameMembers(current.members, plan.members)) return null;
          return { members: plan.members, kind: current.kind, history: current.historyForNewMembers };
        });
        if (!published) continue;
        this.#deps.log.info('kept roster signed', { channelId: plan.channelId, keeper: keeper.name });
        const added = deviceIds(plan.channelId).filter((id) => id !== self.deviceId && !before.has(id));
        if (added.length === 0) continue;
        await this.#deps.mail(this.#deps.shareHistory(plan.channelId, added));
        await store.historyShares.record(plan.channelId, added, this.#deps.now());
        await this.#deps.repeatSettings(plan.channelId);
      }
      for (const channelId of keeper.toForget(ctx())) {
        await this.#deps.forget(channelId);
        keeper.forgotten(ctx(), channelId);
        this.#deps.log.info('kept channel forgotten on this device', { channelId, keeper: keeper.name });
      }
      const at = keeper.nextChange(ctx());
      if (at !== null && (next === null || at < next)) next = at;
    }
    this.#wakeAt(next);
  }

  #wakeAt(at: number | null): void {
    this.#wake?.cancel();
    this.#wake = null;
    if (at === null || this.#stopped) return;
    const wait = Math.min(Math.max(0, at - this.#deps.now()), LONGEST_WAIT_MS);
    this.#wake = this.#deps.after(wait, () => {
      this.schedule().catch((error: unknown) =>
        this.#deps.log.warn('discovery: timed run failed', { error: loggable(error) }),
      );
    });
  }

  /** Chain keys from the start for member devices this device has not given them to yet. */
  async #shareOwedHistory(): Promise<void> {
    const { directory, store, self } = this.#deps;
    const left = await this.#leftChannels();
    for (const [channelId, state] of directory.rosters) {
      const roster = state.current;
      if (!roster.historyForNewMembers || left.has(channelId)) continue;
      const responsible =
        channelId === this.directoryId
          ? this.#deps.holdsOrgKey() && roster.members.some((m) => m.userId === self.userId)
          : roster.members.some((m) => m.userId === self.userId && m.role === 'admin');
      if (!responsible) continue;
      const done = await store.historyShares.given(channelId);
      const owed = directory
        .memberDevices(channelId)
        .map((d) => d.record.body.deviceId)
        .filter((id) => id !== self.deviceId && !done.has(id));
      if (owed.length === 0) continue;
      await this.#deps.mail(this.#deps.shareHistory(channelId, owed));
      await store.historyShares.record(channelId, owed, this.#deps.now());
    }
  }

  /** Devices that got every key directly (members when the channel was made) owe nothing. */
  markHistoryShared(channelId: string, deviceIds: readonly string[]): Promise<void> {
    return this.#deps.store.historyShares.record(channelId, deviceIds, this.#deps.now());
  }
}
