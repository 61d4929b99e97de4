// One signed-in profile at run time: its open store, its identity, its relay connection and its
// messaging client. Lives from sign-in to sign-out; while the screen is locked it keeps syncing.
// Tells the composition root what changed (for the renderer's events) and when the relay
// refused the device for good (revoked), so the session can end at once.
import { MessagingClient, type StoredClientState } from '../client/messaging-client.ts';
import type { Clock } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import type { OpenProfile } from '../session/profiles.ts';
import type { DecryptedEvent } from '../sync/ports.ts';
import { scheduleRetention } from '../store/retention-schedule.ts';
import { RelayTransport } from '../transport/relay-transport.ts';
import type { RelayNetwork } from '../net/relay-network.ts';
import { signWipeDone, verifyWipeOrders } from './wipe.ts';
import { sendWipeDone } from '../transport/wipe-done.ts';
import type { MailboxMessage, TransportError, TransportState } from '../transport/transport.ts';
import { OutageWatch } from './outage-watch.ts';
import { ProfileServices } from './profile-services.ts';
import { LATE_DELIVERY_MS } from './late-delivery.ts';
import {
  certificateOf,
  deviceSigner,
  orgPublicKeyOf,
  orgSecretOf,
  saveIdentity,
  selfDeviceOf,
  type Identity,
} from '../account/identity.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { changeOfEvents, RELOAD, type ChannelChange } from '../changes/channel-change.ts';
import type { OutboxItem } from '../sync/ports.ts';

/** An own event the relay took or refused: its message's delivery (and a refused effect) changed. */
const changeOfOwn = (item: OutboxItem, myUserId: string): ChannelChange =>
  changeOfEvents([{ eventId: item.clientEventId, senderUserId: myUserId, payload: item.payload }], myUserId);

/** How long a revoked device waits for its wipe orders before it signs out anyway. */
const WIPE_PROBE_MS = 10_000;
/** How long a wipe waits for the relay to take its confirmation (the wipe runs all the same). */
const WIPE_CONFIRM_MS = 5_000;

export interface RuntimeEvents {
  /** What changed in a channel's messages (channel-change.ts), for the change feed. */
  messagesChanged(channelId: string, change: ChannelChange): void;
  /** The sidebar rows of these channels changed; 'all': of any channel (the list is read again). */
  channelsChanged(channelIds: readonly string[] | 'all'): void;
  /** The directory took new records (users, rosters, devices): the sidebar and the users are read again. */
  directoryChanged(): void;
  connectionChanged(): void;
  /** New events from others, for notifications. */
  received(events: DecryptedEvent[]): void;
  /** The relay refused this device for good (revoked, or its user deactivated): end the session. */
  fatal(error: TransportError): void;
  /** A wipe order the organisation key signed for this device (already verified). */
  wipe(records: Array<Record<string, unknown>>): void;
  /** Escalation items the relay released to this device (kept before the mail is acknowledged). */
  escalationMail?(items: MailboxMessage[]): Promise<void>;
}

export interface RuntimeDeps {
  profile: OpenProfile;
  identity: Identity;
  clock: Clock;
  log: Logger;
  events: RuntimeEvents;
  /** Organisation retention in days (0 = keep); per-channel settings may be shorter. */
  retentionDays: number;
  /** Trust store and proxy of relay connections (policy and OS); Node defaults when absent. */
  network?: RelayNetwork;
  /** This build's version, reported to the relay on connect (admin's device list). */
  appVersion?: string;
  /** Test hook: faster heartbeats and backoff. */
  transportTuning?: {
    heartbeatMs?: number;
    backoff?: { baseMs: number; maxMs: number };
    outageNoticeMs?: number;
    lateDeliveryMs?: number;
  };
}

export class ProfileRuntime {
  readonly profile: OpenProfile;
  readonly transport: RelayTransport;
  readonly client: MessagingClient;
  /** The features' services of this profile (profile-services.ts); disposed at lock and stop. */
  readonly services = new ProfileServices();
  #identity: Identity;
  readonly #deps: RuntimeDeps;
  readonly #off: Array<() => void> = [];
  #syncingChannels = 0;
  /** A lasting loss of the relay, for the main screen's banner. */
  readonly #outage: OutageWatch;
  /** The confirmation of the wipe under way (one per runtime: the order may arrive twice). */
  #wipeConfirmation: Promise<void> | null = null;

  /** How much later than written a delivery shows both times (late-delivery.ts); a test hook shortens it. */
  get lateDeliveryMs(): number {
    return this.#deps.transportTuning?.lateDeliveryMs ?? LATE_DELIVERY_MS;
  }

  /** Reads what the messaging client starts from (MessagingClient.load), then makes the runtime. */
  static async open(deps: RuntimeDeps): Promise<ProfileRuntime> {
    const stored = await MessagingClient.load({
      store: deps.profile.store,
      orgPublicKey: orgPublicKeyOf(deps.identity),
      log: deps.log.child('client'),
    });
    return new ProfileRuntime(deps, stored);
  }

  private constructor(deps: RuntimeDeps, stored: StoredClientState) {
    this.#deps = deps;
    this.profile = deps.profile;
    this.#identity = deps.identity;
    const identity = deps.identity;
    this.transport = this.#newTransport();
    const { events } = deps;
    this.#outage = new OutageWatch({
      clock: deps.clock,
      ...(deps.transportTuning?.outageNoticeMs ? { noticeAfterMs: deps.transportTuning.outageNoticeMs } : {}),
      changed: () => events.connectionChanged(),
      initial: this.transport.state(),
    });
    this.#off.push(() => this.#outage.stop());
    this.client = new MessagingClient({
      store: deps.profile.store,
      stored,
      transport: this.transport,
      self: selfDeviceOf(identity),
      orgPublicKey: orgPublicKeyOf(identity),
      orgSigningKey: orgSecretOf(identity),
      clock: deps.clock,
      log: deps.log.child('client'),
      // A roster change alters the channel's member lines, acknowledgement and read counts. The
      // directory holds every channel's roster: only one this user is in concerns the screen (a
      // channel left or lost goes from the sidebar by the directory's own reload).
      onRoster: (channelId) => {
        if (!this.client.directory.isListed(channelId, identity.userId)) return;
        events.messagesChanged(channelId, RELOAD);
        events.channelsChanged([channelId]);
      },
      onDirectoryChanged: () => events.directoryChanged(),
      onEscalationMail: async (items) => {
        await events.escalationMail?.(items);
      },
      // Own events take effect when queued (a channel's name, a receipt...), so the list changes too.
      onQueued: (channelId, event) => {
        events.messagesChanged(channelId, changeOfEvents([event], identity.userId));
        events.channelsChanged([channelId]);
        events.connectionChanged();
      },
      listeners: {
        applied: (channelId, applied) => {
          events.messagesChanged(channelId, changeOfEvents(applied, identity.userId));
          events.channelsChanged([channelId]);
          const fromOthers = applied.filter((e) => e.senderUserId !== identity.userId);
          if (fromOthers.length > 0) events.received(fromOthers);
        },
        // The outbox count in the connection view changes with every send, queued or done.
        sent: (item) => {
          events.messagesChanged(item.channelId, changeOfOwn(item, identity.userId));
          events.channelsChanged([item.channelId]);
          events.connectionChanged();
        },
        sendFailed: (item) => {
          events.messagesChanged(item.channelId, changeOfOwn(item, identity.userId));
          events.connectionChanged();
        },
        progress: (progress) => {
          this.#syncingChannels = progress.channelsRemaining;
          events.connectionChanged();
        },
      },
    });
    this.#off.push(
      this.transport.onState((state) => this.#onState(state)),
      this.transport.onFatal((error) => this.#onFatal(error)),
      this.transport.onWipe((records) => {
        this.#onWipe(records);
      }),
    );
  }

  #newTransport(): RelayTransport {
    const { identity, transportTuning, log, network, appVersion } = this.#deps;
    return new RelayTransport({
      url: identity.relayUrl,
      ...(network ? { network } : {}),
      deviceId: identity.deviceId,
      sign: deviceSigner(identity),
      // An enrolled device presents its self-signed certificate until the relay has it.
      certificate: () =>
        this.#identity.certificateUploaded
          ? null
          : (certificateOf(this.#identity) as unknown as Record<string, unknown>),
      ...(appVersion ? { appVersion } : {}),
      ...(transportTuning?.heartbeatMs ? { heartbeatMs: transportTuning.heartbeatMs } : {}),
      ...(transportTuning?.backoff ? { backoff: transportTuning.backoff } : {}),
      log: (message, fields) => log.debug(message, fields),
    });
  }

  /**
   * A wipe order from the relay is passed on only when the organisation key signed it for this
   * device (app/wipe.ts); anything else is logged and changes nothing. True when passed on.
   */
  #onWipe(records: Array<Record<string, unknown>>): boolean {
    const verdict = verifyWipeOrders(
      this.#identity,
      records,
      this.#deps.clock.now(),
      this.client.directory.orgPublicKey,
    );
    if (!verdict.ok) {
      this.#deps.log.warn('wipe order ignored', { reason: verdict.reason, records: records.length });
      return false;
    }
    // Signed now, while the device key exists; the wipe follows once the relay took it or gave up.
    this.#wipeConfirmation ??= this.#confirmWipe(verdict.orderId);
    this.#wipeConfirmation
      .then(() => this.#deps.events.wipe(records))
      .catch((error: unknown) => this.#deps.log.error('wipe not started', { error: loggable(error) }));
    return true;
  }

  /** Tells the organisation the order was executed (docs/protocol.md "Wipe confirmation"); never throws. */
  async #confirmWipe(orderId: string): Promise<void> {
    try {
      const record = signWipeDone(this.#identity, orderId, this.#deps.clock.now());
      await sendWipeDone(this.#identity.relayUrl, record, {
        timeoutMs: WIPE_CONFIRM_MS,
        ...(this.#deps.network ? { network: this.#deps.network } : {}),
      });
      this.#deps.log.warn('wipe confirmed to the relay', { orderId });
    } catch (error) {
      this.#deps.log.warn('wipe confirmation not delivered', { orderId, error: loggable(error) });
    }
  }

  /**
   * Refused for good: the transport stops reconnecting, so this always ends the session (with the
   * reason on the sign-in screen) unless a verified wipe order ends it instead. A device revoked
   * while connected is cut off before it could learn of a wipe order; one more authentication gets
   * the relay to hand over the orders stored for it (only a device that proves its key receives
   * them). A forged or unverifiable order, a probe that fails or hangs: signed out all the same.
   */
  #onFatal(error: TransportError): void {
    const end = () => this.#deps.events.fatal(error);
    if (error.code !== 'revoked') return end();
    this.#probeForWipe().then(
      (wiped) => {
        if (!wiped) end();
      },
      (probeError: unknown) => {
        this.#deps.log.warn('wipe probe failed', { error: loggable(probeError) });
        end();
      },
    );
  }

  async #probeForWipe(): Promise<boolean> {
    const probe = this.#newTransport();
    let wiped = false;
    probe.onWipe((records) => {
      if (!wiped) wiped = this.#onWipe(records);
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([probe.connect().catch(() => {}), new Promise((r) => (timer = setTimeout(r, WIPE_PROBE_MS)))]);
    } finally {
      clearTimeout(timer);
      await probe.close();
    }
    return wiped;
  }

  get identity(): Identity {
    this.#adoptRotatedOrgKey();
    return this.#identity;
  }

  /** Makes this device an admin device: keeps the imported organisation key in the encrypted store. */
  async adoptOrgKey(orgSecretB64: string): Promise<void> {
    const next = { ...this.#identity, orgSecret: orgSecretB64, orgSecretNext: null };
    await saveIdentity(this.profile.store, next);
    this.#identity = next;
    this.client.useOrgSigningKey(orgSecretOf(next));
  }

  /** Stores the key a rotation hands over to, before the rotation is sent (Identity.orgSecretNext). */
  async keepNextOrgKey(orgSecretB64: string): Promise<void> {
    const next = { ...this.#identity, orgSecretNext: orgSecretB64 };
    await saveIdentity(this.profile.store, next);
    this.#identity = next;
  }

  /**
   * A rotation this device sent whose answer was lost: once the directory names its new key, that
   * key signs from now on. Checked whenever the identity is read, so no handler signs with the
   * retired key; should saving fail, the stored pending key is adopted again at the next start.
   */
  #adoptRotatedOrgKey(): void {
    const pending = this.#identity.orgSecretNext;
    if (!pending) return;
    const secret = fromBase64Url(pending);
    if (!secret || toBase64Url(secret.subarray(32)) !== toBase64Url(this.client.directory.orgPublicKey)) return;
    this.#identity = { ...this.#identity, orgSecret: pending, orgSecretNext: null };
    this.client.useOrgSigningKey(secret);
    this.#deps.log.warn('the directory names the organisation key this device rotated to; it signs from now on');
    saveIdentity(this.profile.store, this.#identity).catch((error: unknown) =>
      this.#deps.log.error('adopted organisation key not saved', { error: loggable(error) }),
    );
  }

  /** Something only this workstation changed (the read position): the sidebar's counts follow at once. */
  channelsChanged(channelIds: readonly string[]): void {
    this.#deps.events.channelsChanged(channelIds);
  }

  /** Since when the relay is out of reach, once that has lasted long enough to show; else null. */
  get outageSince(): number | null {
    return this.#outage.since;
  }

  get syncingChannels(): number {
    return this.#syncingChannels;
  }

  /** Starts syncing; offline is fine (the app opens with local data and reconnects by itself). */
  async start(): Promise<void> {
    const retention = scheduleRetention(this.profile.store, {
      clock: this.#deps.clock,
      log: this.#deps.log.child('retention'),
      // Machine policy (RetentionDays > 0) first, else the organisation's signed setting.
      policyDays: () => this.#deps.retentionDays || (this.client.directory.orgSettings?.body.retentionDays ?? 0),
      onDeleted: () => this.#deps.events.channelsChanged('all'),
    });
    this.#off.push(() => retention.stop());
    void this.transport
      .connect()
      .catch((error: unknown) => this.#deps.log.warn('relay refused this device', { error: loggable(error) }));
    await this.client.start();
  }

  /** Drops what the features' services hold (uploads, exports): the screen locked or the profile ends. */
  async disposeServices(): Promise<void> {
    await this.services.dispose((name, error) =>
      this.#deps.log.warn('service not disposed cleanly', { service: name, error: loggable(error) }),
    );
  }

  async stop(): Promise<void> {
    await this.disposeServices();
    this.#off.splice(0).forEach((off) => off());
    await this.client.stop();
    await this.transport.close();
  }

  #onState(state: TransportState): void {
    this.#outage.update(state);
    if (state === 'online' && !this.#identity.certificateUploaded) {
      this.#identity = { ...this.#identity, certificateUploaded: true };
      void saveIdentity(this.profile.store, this.#identity).catch((error: unknown) =>
        this.#deps.log.error('identity not saved', { error: loggable(error) }),
      );
    }
    this.#deps.events.connectionChanged();
    if (state === 'online') this.#deps.events.channelsChanged('all');
  }
}
