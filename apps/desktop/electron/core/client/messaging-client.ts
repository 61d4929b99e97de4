// size: one profile's wiring of directory, channel keys, store, sync and transport; its concerns move into client/*.ts and features/ step by step (issue 16).
// One signed-in profile's messaging: the crypto directory and channel keys, the encrypted store,
// the sync engine and the transport, wired together. Everything the UI does with channels and
// messages goes through here; nothing here knows about windows or IPC.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { recordHash, signRecord, stampActor } from '@klinikfunk/crypto/records.ts';
import { ChannelCrypto, isKeyRequest, type KeyShare, type SelfDevice } from '../crypto/channel-crypto.ts';
import { chainKeyId, type ChainId } from '../crypto/sender-keys.ts';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import type { Clock, Timer } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import { orgIdOf } from '@klinikfunk/crypto/records.ts';
import { isAuthorityRefusal } from '../store/authorise.ts';
import { declarationOf } from '../store/content-features.ts';
import type { StoredRecord } from '../store/directory.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { SqliteSenderKeyStore } from '../store/sender-key-store.ts';
import { SyncEngine, type SyncListeners } from '../sync/engine.ts';
import { RelayClock } from '../sync/relay-clock.ts';
import type { MailboxMessage, Transport } from '../transport/transport.ts';
import { ESCALATION_CONTENT_TYPE } from '@klinikfunk/protocol/domain/escalation.ts';
import { peekDirect } from '../crypto/direct.ts';
import { directoryChannelId } from './channel-directory.ts';
import { DirectorySync } from './directory-sync.ts';
import { DiscoveryAgent } from './discovery-agent.ts';
import { channelKeepers } from './channel-keepers.ts';
import { createSyncCrypto, mailShares } from './sync-crypto.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export interface MessagingClientDeps {
  store: ProfileStore;
  transport: Transport;
  self: SelfDevice;
  orgPublicKey: Uint8Array;
  clock: Clock;
  log: Logger;
  listeners?: SyncListeners;
  /** An event was queued (the sync engine reports only when it leaves): the list and outbox count change at once. */
  /** An own event was queued (its effect is in the store already). */
  onQueued?: (channelId: string, event: { eventId: string; senderUserId: string; payload: unknown }) => void;
  /** The directory kept a new record (a user, device or roster): names and the sidebar may change. */
  onDirectoryChanged?: () => void;
  /** Admin devices only: the organisation signing key (keeps the directory channel's roster complete). */
  orgSigningKey?: Uint8Array | null;
  /** A verified new roster of a channel was kept (its timeline's member lines change). */
  onRoster?: (channelId: string) => void;
  /**
   * Released escalation items (direct envelopes of content type `escalation`) from the mailbox,
   * kept by the escalation feature before the mail is acknowledged; without it they are dropped.
   */
  onEscalationMail?: (items: MailboxMessage[]) => Promise<void>;
}

/** What the client reads from its store before it is made (MessagingClient.load). */
export interface StoredClientState {
  directoryRecords: StoredRecord[];
  /** This profile's remembered offset to the relay's clock, null when none (or unreadable). */
  relayClockOffset: number | null;
}

/** 16 random bytes, base64url: the client event id of everything this device sends. */
export const newEventId = (): string => toBase64Url(new Uint8Array(randomBytes(16)));

/**
 * The envelope's content type of the event types the store materialises itself; a feature
 * folder's event types bring theirs (their `events` declaration, store/content-features.ts).
 */
export const CONTENT_TYPE: Partial<Record<ChannelEventPayload['type'], string>> = {
  'channel.update': 'channel',
  'channel.announce': 'channel',
  'channel.unannounce': 'channel',
  'channel.join_request': 'channel',
};

/** The content type an event of this type is sealed with (throws when neither the client nor a feature declares one). */
export function contentTypeOf(type: ChannelEventPayload['type']): string {
  const contentType = CONTENT_TYPE[type] ?? declarationOf(type)?.contentType;
  if (contentType === undefined) throw new Error(`no content type for event type ${type} (features/registry.ts)`);
  return contentType;
}

/** A roster would name user ids the signed directory does not know (a stale or made-up pick). */
export class UnknownUsersError extends Error {
  readonly userIds: string[];
  constructor(userIds: string[]) {
    super(`unknown users: ${userIds.join(', ')}`);
    this.name = 'UnknownUsersError';
    this.userIds = userIds;
  }
}

export class MessagingClient {
  readonly directory: Directory;
  readonly crypto: ChannelCrypto;
  readonly engine: SyncEngine;
  readonly #deps: MessagingClientDeps;
  /** Admin devices: the organisation key (deps.orgSigningKey at start; useOrgSigningKey after a change). */
  #orgSigningKey: Uint8Array | null;
  readonly #directorySync: DirectorySync;
  readonly #unsubscribe: Array<() => void> = [];
  readonly #senderKeys: SqliteSenderKeyStore;
  readonly #discovery: DiscoveryAgent;
  /** The organisation-wide channel that carries the channel directory. */
  readonly directoryChannelId: string;

  /** Reads what the client starts from, then makes it. */
  static async open(deps: MessagingClientDeps): Promise<MessagingClient> {
    return new MessagingClient({ ...deps, stored: await MessagingClient.load(deps) });
  }

  /**
   * The stored state a client starts from: the directory records to replay and the relay clock
   * offset. A store from before discovery existed has the org-wide channel unmarked: marked here.
   */
  static async load(deps: Pick<MessagingClientDeps, 'store' | 'orgPublicKey' | 'log'>): Promise<StoredClientState> {
    const directoryRecords = await deps.store.directory.records();
    await deps.store.channels.markOrgWide(directoryChannelId(orgIdOf(deps.orgPublicKey)));
    let relayClockOffset: number | null = null;
    try {
      const value = await deps.store.getSetting<unknown>(RELAY_CLOCK_SETTING);
      if (typeof value === 'number' && Number.isSafeInteger(value)) relayClockOffset = value;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      deps.log.warn('remembered relay clock offset ignored: not JSON');
    }
    return { directoryRecords, relayClockOffset };
  }

  constructor(deps: MessagingClientDeps & { stored: StoredClientState }) {
    const { stored, ...rest } = deps;
    this.#deps = rest;
    this.#orgSigningKey = deps.orgSigningKey ?? null;
    this.directory = new Directory({ orgPublicKey: deps.orgPublicKey, now: () => deps.clock.now() });
    // A channel a feature keeps to a rule of its own admits only whom that rule names (channel-keepers.ts).
    const self = { userId: deps.self.userId, deviceId: deps.self.deviceId };
    this.directory.setMemberGate((channelId, userId) => {
      const ctx = { store: deps.store, directory: this.directory, self, now: deps.clock.now() };
      return channelKeepers().every((keeper) => keeper.admits(ctx, channelId, userId));
    });
    this.#directorySync = new DirectorySync(
      this.directory,
      deps.store,
      deps.log.child('directory'),
      () => deps.onDirectoryChanged?.(),
      (channelId) => deps.onRoster?.(channelId),
    );
    this.#directorySync.replay(stored.directoryRecords);
    this.#senderKeys = deps.store.openSenderKeys();
    deps.store.sync.setSelf({ userId: deps.self.userId, deviceId: deps.self.deviceId });
    // Refusals by the rule table are what a hostile or outdated member tried; reducer refusals (a late vote) are routine.
    deps.store.sync.onRefused((channelId, refused) => {
      for (const { eventId, reason } of refused)
        (isAuthorityRefusal(reason) ? deps.log.warn : deps.log.debug).call(deps.log, 'channel event refused', {
          channelId,
          eventId,
          reason,
        });
    });
    this.crypto = new ChannelCrypto({
      directory: this.directory,
      self: deps.self,
      keys: this.#senderKeys,
      now: () => deps.clock.now(),
    });
    this.directoryChannelId = directoryChannelId(this.directory.orgId);
    this.#discovery = new DiscoveryAgent({
      directory: this.directory,
      store: deps.store,
      self: deps.self,
      holdsOrgKey: () => this.#orgSigningKey !== null,
      log: deps.log.child('discovery'),
      publishRoster: (channelId, kind, members, history, signer) =>
        this.#publishRoster(channelId, kind, members, history, signer),
      refreshDirectory: async () => void (await this.#directorySync.refresh(deps.transport)),
      send: (channelId, payload) => this.send(channelId, payload),
      repeatSettings: (channelId) => this.#repeatSettingsFor(channelId),
      shareHistory: (channelId, deviceIds) => this.crypto.shareHistory(channelId, deviceIds),
      mail: async (shares) =>
        void (await Promise.all(
          shares.map((s) => deps.transport.sendMail(s.recipientDeviceId, randomUUID(), s.envelope)),
        )),
      forget: async (channelId) => {
        this.#senderKeys.forgetChannel(channelId);
        await deps.store.deleteChannelContent(channelId);
      },
      now: () => deps.clock.now(),
      after: (ms, fn) => deps.clock.after(ms, fn),
    });
    // A page of the directory channel may hold join requests or announcements to act on.
    const listeners: SyncListeners = {
      ...deps.listeners,
      applied: (channelId, applied) => {
        if (channelId === this.directoryChannelId || wakesKeepers(applied)) this.#scheduleDiscovery();
        deps.listeners?.applied?.(channelId, applied);
      },
      // A restored relay lost the records stored since its backup: read all, give back what it lacks.
      incarnationChanged: (incarnation, requeued) => {
        this.#giveBackDirectory();
        deps.listeners?.incarnationChanged?.(incarnation, requeued);
      },
    };
    // This profile's offset to the relay's clock: learned from the outbox's acks, sealed into each event.
    const relayClock = relayClockOf(deps.store, stored.relayClockOffset, deps.log);
    this.engine = new SyncEngine({
      transport: deps.transport,
      crypto: createSyncCrypto({
        crypto: this.crypto,
        directory: this.directory,
        transport: deps.transport,
        log: deps.log,
        onDirectoryBehind: (channelId) => this.#catchUpDirectory(channelId),
        onMissingKey: (chain) => this.#requestKey(chain),
        relayClock,
      }),
      store: deps.store.sync,
      clock: deps.clock,
      relayClock,
      log: deps.log.child('sync'),
      listeners,
    });
  }

  get userId(): string {
    return this.#deps.self.userId;
  }

  /** Starts syncing; works offline too (queued sends go out once the relay is reachable). */
  async start(): Promise<void> {
    const { transport } = this.#deps;
    this.#unsubscribe.push(
      transport.onState((state) => {
        if (state === 'online')
          this.#onOnline().catch((error: unknown) =>
            this.#deps.log.warn('reconnect handling failed', { error: loggable(error) }),
          );
      }),
      transport.onMail((mail) => this.#onMail(mail)),
      // The relay announces new directory records (a roster change, a new device, a revocation).
      transport.onDirectory(
        () =>
          void this.#refresh().catch((error: unknown) =>
            this.#deps.log.warn('directory refresh failed', { error: loggable(error) }),
          ),
      ),
    );
    // The engine listens to the transport itself; directory and mail must be current before it
    // opens envelopes, so when already online, refresh first.
    if (transport.state() === 'online') await this.#refresh();
    await this.engine.start();
    this.#scheduleDiscovery();
  }

  /**
   * Gives a restored relay back the directory records it lacks (DirectorySync.afterRestore). Cut
   * short (the relay's record rate limit, a lost connection), it runs again a minute later, and at
   * every directory refresh, until done.
   */
  #giveBackDirectory(): void {
    this.#directoryRetry?.cancel();
    this.#directoryRetry = null;
    this.#directorySync
      .afterRestore(this.#deps.transport)
      .then(() => this.#scheduleDiscovery())
      .catch((error: unknown) => {
        this.#deps.log.warn('directory not yet given back to the restored relay', { error: loggable(error) });
        if (!this.#stopped)
          this.#directoryRetry = this.#deps.clock.after(DIRECTORY_RETRY_MS, () => this.#giveBackDirectory());
      });
  }

  #directoryRetry: Timer | null = null;
  #stopped = false;

  /** Runs the discovery agent in the background; a failed run is logged (the next trigger runs it again). */
  #scheduleDiscovery(): void {
    this.#discovery
      .schedule()
      .catch((error: unknown) => this.#deps.log.warn('discovery run failed', { error: loggable(error) }));
  }

  /** Waits until the discovery agent is idle (tests, and callers that need its effect now). */
  discoveryIdle(): Promise<void> {
    return this.#discovery.schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#directoryRetry?.cancel();
    this.#discovery.stop();
    this.#unsubscribe.splice(0).forEach((off) => off());
    this.engine.stop();
    this.#senderKeys.flush();
  }

  async #onOnline(): Promise<void> {
    // A request sent before the drop may have been lost with it: envelopes still waiting ask again.
    this.#askedKeys.clear();
    try {
      await this.#refresh();
      // Keys may have arrived for envelopes kept as pending.
      for (const channel of this.#channelIds()) await this.engine.retryPending(channel);
    } catch (error) {
      this.#deps.log.warn('refresh after reconnect failed', { error: loggable(error) });
    }
  }

  async #refresh(): Promise<void> {
    const before = new Set(this.#memberChannels());
    if (await this.#directorySync.restorePending()) await this.#directorySync.afterRestore(this.#deps.transport);
    else await this.#directorySync.refresh(this.#deps.transport);
    // Added to a channel: its earlier events (history shared, or from a former membership) are fetched now.
    if (this.#memberChannels().some((id) => !before.has(id))) this.engine.catchUp();
    await this.#shareWithNewDevices();
    await this.#acceptMail(await this.#deps.transport.fetchMail(500));
    // New users, devices or rosters: the directory roster, join requests and history may be due.
    this.#scheduleDiscovery();
  }

  #channelIds(): string[] {
    return [...this.directory.rosters.keys()];
  }

  #memberChannels(): string[] {
    return this.#channelIds().filter((id) => this.directory.isMember(id, this.userId));
  }

  /**
   * Mail pushed by the relay. Handled without a caller to report to, so a failure (the connection
   * dropped mid-way) is logged here; the mail stays in the mailbox unacknowledged and comes again
   * with the fetch after the reconnect.
   */
  #onMail(mail: MailboxMessage): void {
    this.#acceptMail([mail]).catch((error: unknown) =>
      this.#deps.log.warn('mail handling failed, retried after reconnect', { error: loggable(error) }),
    );
  }

  async #acceptMail(all: MailboxMessage[]): Promise<void> {
    if (all.length === 0) return;
    // Released escalation steps and notices are no key mail: the escalation feature keeps them
    // (a failure leaves them unacknowledged, so they come again with the next fetch).
    const escalations = all.filter((m) => {
      const peeked = peekDirect(m.payload);
      return peeked.ok && peeked.header.contentType === ESCALATION_CONTENT_TYPE;
    });
    if (escalations.length > 0) {
      await this.#deps.onEscalationMail?.(escalations);
      await this.#deps.transport.ackMail(escalations.map((m) => m.messageId));
    }
    const mails = all.filter((m) => !escalations.includes(m));
    if (mails.length === 0) return;
    const channels = new Set<string>();
    const answers: KeyShare[] = [];
    const tryAll = (list: typeof mails) =>
      list.filter((mail) => {
        if (isKeyRequest(mail.payload)) {
          const answered = this.crypto.answerKeyRequest(mail.payload);
          if (answered.ok) answers.push(answered.share);
          else this.#deps.log.warn('key request refused', { messageId: mail.messageId, reason: answered.reason });
          // A refused request is not retried after a directory refresh: only a share is worth the wait.
          return !answered.ok && (answered.reason === 'unknown_signer' || answered.reason === 'not_member');
        }
        const accepted = this.crypto.acceptKeyShare(mail.payload);
        if (accepted.ok) channels.add(accepted.channelId);
        return !accepted.ok;
      });
    let refused = tryAll(mails);
    if (refused.length > 0) {
      // A share for a channel or device this directory does not know yet: catch up, then retry.
      await this.#directorySync.refresh(this.#deps.transport);
      refused = tryAll(refused);
      for (const mail of refused) this.#deps.log.warn('mailbox message refused', { messageId: mail.messageId });
    }
    await this.#deps.transport.ackMail(mails.map((m) => m.messageId));
    await mailShares(this.crypto, this.#deps.transport, answers, this.#deps.log);
    for (const channel of channels) await this.engine.retryPending(channel);
  }

  /** Chains this device already asked for since it connected (one request each, again after a reconnect). */
  readonly #askedKeys = new Set<string>();

  /**
   * An envelope waits for a key that never arrived: ask its sender device (signed request; the
   * sender answers only a current member). If the sender is offline the request waits in its
   * mailbox, so the envelope opens as soon as the sender is back.
   */
  #requestKey(chain: ChainId & { index: number }): void {
    const id = chainKeyId(chain);
    if (this.#askedKeys.has(id)) return;
    const request = this.crypto.requestKey(chain);
    if (!request) return;
    this.#askedKeys.add(id);
    this.#deps.transport.sendMail(request.recipientDeviceId, randomUUID(), request.envelope).catch((error: unknown) => {
      // Not sent (offline, the sender's mailbox full): the next envelope of the chain asks again.
      this.#askedKeys.delete(id);
      this.#deps.log.warn('key request not sent', { channelId: chain.channelId, error: loggable(error) });
    });
  }

  #directoryCatchUp: Promise<void> | null = null;
  readonly #behindChannels = new Set<string>();

  /** Coalesces "directory behind" signals from a page of envelopes into one refresh. */
  #catchUpDirectory(channelId: string): void {
    this.#behindChannels.add(channelId);
    if (this.#directoryCatchUp) return;
    this.#directoryCatchUp = (async () => {
      await new Promise((r) => setTimeout(r, 0));
      try {
        await this.#refresh();
      } catch (error) {
        this.#deps.log.warn('directory catch-up failed', { error: loggable(error) });
      }
      const channels = [...this.#behindChannels];
      this.#behindChannels.clear();
      this.#directoryCatchUp = null;
      for (const channel of channels) await this.engine.retryPending(channel);
    })();
  }

  /** Member devices that joined after this device's current chain was shared get it now. */
  async #shareWithNewDevices(): Promise<void> {
    for (const channelId of this.#channelIds()) {
      const shares = this.crypto.pendingShares(channelId);
      if (shares.length === 0) continue;
      // Shares that failed before (mailbox full, connection lost) are retried here too.
      if ((await mailShares(this.crypto, this.#deps.transport, shares, this.#deps.log)) > 0)
        await this.#repeatSettingsFor(channelId);
    }
  }

  /**
   * A device that enrolled after the channel was made gets only the keys from now on, so it could
   * never read the channel's name and settings (the first event). A channel admin sends them again
   * whenever it shares its keys with new devices.
   */
  async #repeatSettingsFor(channelId: string): Promise<void> {
    const roster = this.directory.rosters.get(channelId)?.current;
    if (!roster?.members.some((m) => m.userId === this.userId && m.role === 'admin')) return;
    const row = await this.#deps.store.channels.settings(channelId);
    if (!row?.name) return;
    await this.send(channelId, {
      type: 'channel.update',
      name: row.name,
      topic: row.topic,
      historyForNewMembers: row.historyForNewMembers,
      retentionDays: row.retentionDays,
    });
  }

  /**
   * Creates a channel, conversation or direct chat: a roster signed by this device (its user
   * becomes the admin), published to the relay, and the encrypted name and settings as the
   * channel's first event.
   */
  async createChannel(input: {
    kind: 'channel' | 'conversation' | 'direct';
    name: string;
    topic?: string;
    memberUserIds: string[];
    historyForNewMembers?: boolean;
    /** Announced in the directory channel (name and topic encrypted there); channels only. */
    discoverable?: boolean;
    /** Every first member an admin (a conversation with a role: any member device signs its handovers). */
    everyoneAdmin?: boolean;
  }): Promise<string> {
    const channelId = `chn${toBase64Url(new Uint8Array(randomBytes(12)))}`;
    const history = input.historyForNewMembers ?? false;
    const members = [
      { userId: this.userId, role: 'admin' as const },
      ...input.memberUserIds
        .filter((u) => u !== this.userId)
        .map((userId) => ({ userId, role: input.everyoneAdmin ? ('admin' as const) : ('member' as const) })),
    ];
    await this.#publishRoster(channelId, input.kind, members, history);
    // The first members get every key directly; only later members are owed the history.
    await this.#discovery.markHistoryShared(
      channelId,
      this.directory.memberDevices(channelId).map((d) => d.record.body.deviceId),
    );
    await this.send(channelId, {
      type: 'channel.update',
      name: input.name,
      topic: input.topic ?? '',
      historyForNewMembers: history,
      retentionDays: null,
    });
    if (input.discoverable && input.kind === 'channel') {
      await this.send(this.directoryChannelId, {
        type: 'channel.announce',
        channelId,
        name: input.name,
        topic: input.topic ?? '',
        kind: 'channel',
        historyForNewMembers: history,
      });
    }
    return channelId;
  }

  /** Whether this user is in the directory channel (needed to announce or ask to join). */
  inDirectory(): boolean {
    return this.directory.isMember(this.directoryChannelId, this.userId);
  }

  /** Asks the admins of an announced channel to add this user (their devices do it automatically). */
  async requestJoin(channelId: string): Promise<void> {
    const event = this.#ownEvent(this.directoryChannelId, {
      type: 'channel.join_request' as const,
      channelId,
      knownEpoch: this.directory.currentEpoch(channelId),
    });
    // One request waiting per channel, decided where it is queued (OutboxRepository.queueJoinRequest).
    if (await this.#deps.store.outbox.queueJoinRequest(event, contentTypeOf(event.payload.type))) this.#queued(event);
  }

  /** Withdraws a channel from the directory (its last member leaves it). */
  async unannounce(channelId: string): Promise<void> {
    await this.send(this.directoryChannelId, { type: 'channel.unannounce', channelId });
  }

  /** A new roster (members added or removed): a new epoch; the next send uses fresh keys. */
  async setMembers(channelId: string, members: Array<{ userId: string; role: 'admin' | 'member' }>): Promise<void> {
    const current = this.directory.rosters.get(channelId)?.current;
    if (!current) throw new Error(`unknown channel ${channelId}`);
    await this.#publishRoster(channelId, current.kind, members, current.historyForNewMembers);
    // Added members hold none of the earlier keys: they learn the name and settings from a repeat
    // in the new epoch (and the history, where allowed, from the discovery agent's next run).
    if (members.some((m) => !current.members.some((c) => c.userId === m.userId)))
      await this.#repeatSettingsFor(channelId);
    this.#scheduleDiscovery();
  }

  async #publishRoster(
    channelId: string,
    kind: 'channel' | 'conversation' | 'direct',
    members: Array<{ userId: string; role: 'admin' | 'member' }>,
    history: boolean,
    signer: 'org' | 'device' = 'device',
  ): Promise<void> {
    // Every client would refuse such a roster (Directory.verify); saying which ids are unknown
    // before signing lets the caller answer not_found instead of a refused record.
    const unknown = members.map((m) => m.userId).filter((userId) => !this.directory.users.has(userId));
    if (unknown.length > 0) throw new UnknownUsersError(unknown);
    const state = this.directory.rosters.get(channelId);
    const signed = signRecord(
      'roster',
      {
        orgId: this.directory.orgId,
        channelId,
        epoch: (state?.current.epoch ?? 0) + 1,
        prevHash: state ? recordHash(state.records.at(-1)!) : null,
        kind,
        members,
        historyForNewMembers: history,
        issuedAt: this.#deps.clock.now(),
      },
      ...this.#signer(signer),
    );
    // An org-signed roster (admin devices keep the org-wide channel) names this device for the audit log.
    const record = signer === 'org' ? stampActor(signed, this.#deps.self.deviceId, this.#deps.self.signingKey) : signed;
    const verdict = this.directory.verify(record);
    if (!verdict.ok) throw new Error(`roster refused: ${verdict.reason}`);
    await this.#deps.transport.putRecord(record as unknown as Record<string, unknown>);
    await this.#directorySync.ingest(record);
  }

  /**
   * The organisation key this device signs with from now on: imported from a backup, restored from
   * shares, or the new one after a rotation (the one it was made with is then refused everywhere).
   */
  useOrgSigningKey(key: Uint8Array | null): void {
    this.#orgSigningKey = key;
    this.#scheduleDiscovery();
  }

  #signer(kind: 'org' | 'device'): [{ kind: 'org' | 'device'; id: string }, Uint8Array] {
    if (kind === 'device') return [{ kind: 'device', id: this.#deps.self.deviceId }, this.#deps.self.signingKey];
    if (!this.#orgSigningKey) throw new Error('this device does not hold the organisation key');
    return [{ kind: 'org', id: this.directory.orgId }, this.#orgSigningKey];
  }

  /** Keeps records this device already holds (its own org's first records, its enrolment) without the relay. */
  async ingestLocal(records: ReadonlyArray<unknown>): Promise<void> {
    for (const record of records) await this.#directorySync.ingest(record);
  }

  /** Uploads a signed directory record (a new user, an enrolment) and keeps it locally at once. */
  async publishRecord(record: { type: string }): Promise<void> {
    await this.#deps.transport.putRecord(record as unknown as Record<string, unknown>);
    await this.#directorySync.ingest(record);
    // A new or changed user: the directory channel's roster follows (admin devices).
    if (record.type === 'user' || record.type === 'revocation') this.#scheduleDiscovery();
  }

  /** Queues any channel event (message, edit, vote...) durably and sends it when possible. */
  async send(channelId: string, payload: ChannelEventPayload): Promise<string> {
    const event = this.#ownEvent(channelId, payload);
    // Every own event takes effect now, through the same rules as a received one (a new channel's
    // name, an edit, a vote...): nothing the user did waits for the relay to become visible. The
    // relay's ack gives it its seq and relay time and judges it again with them
    // (SqliteSyncStore.markSent); refused then, its effect is undone (store/own-refused.ts).
    // What the rule table refuses already here, every client refuses: it is never queued (the
    // handlers check the same earlier, channel-access.ts; this holds for every caller).
    await this.#deps.store.outbox.queueOwn(event, contentTypeOf(payload.type));
    this.#queued(event);
    return event.eventId;
  }

  /** An event of this device, not yet ordered by the relay. */
  #ownEvent<P extends ChannelEventPayload>(channelId: string, payload: P) {
    return {
      eventId: newEventId(),
      channelId,
      seq: null,
      senderUserId: this.userId,
      senderDeviceId: this.#deps.self.deviceId,
      createdAt: this.#deps.clock.now(),
      payload,
    };
  }

  /** Queued: the views change, and the engine sends when it can. */
  #queued(event: { eventId: string; channelId: string; senderUserId: string; payload: unknown }): void {
    this.#deps.onQueued?.(event.channelId, event);
    this.sendQueued();
  }

  /** Sends what the outbox holds now if online (a retried message, say); a failure is logged and retried later. */
  sendQueued(): void {
    void this.engine
      .notifyQueued()
      .catch((error: unknown) => this.#deps.log.warn('send failed', { error: loggable(error) }));
  }

  async sendMessage(
    channelId: string,
    body: string,
    options: { mentions?: string[]; replyTo?: string | null; urgent?: boolean } = {},
  ): Promise<string> {
    return this.send(channelId, {
      type: 'message.create',
      body,
      mentions: options.mentions ?? [],
      replyTo: options.replyTo ?? null,
      urgent: options.urgent ?? false,
    });
  }
}

/** An applied event a channel keeper waits for (channel-keepers.ts): a discovery run is due. */
function wakesKeepers(applied: ReadonlyArray<{ payload: unknown }>): boolean {
  const types = new Set(channelKeepers().flatMap((k) => k.wakesOn));
  return types.size > 0 && applied.some((e) => types.has((e.payload as { type?: string } | null)?.type ?? ''));
}

/** Setting that keeps the profile's offset to the relay's clock across restarts (relay-clock.ts). */
/** How long after a cut-short give-back to the restored relay it is tried again. */
const DIRECTORY_RETRY_MS = 60_000;

const RELAY_CLOCK_SETTING = 'sync.relayClockOffset';

function relayClockOf(store: ProfileStore, initial: number | null, log: Logger): RelayClock {
  return new RelayClock({
    initial,
    // Called right after an ack: a store that cannot take it (closing at sign-out) must not turn
    // the accepted send into a failure; the estimate is learned again from the next acks.
    remember: (offset) => {
      store
        .setSetting(RELAY_CLOCK_SETTING, offset)
        .catch((error: unknown) => log.warn('relay clock offset not remembered', { error: loggable(error) }));
    },
  });
}
