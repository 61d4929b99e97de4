// The composition root of the core: builds every service once from what the shell provides and
// returns the IPC handlers. Electron main and the test harness both call this, so the harness
// runs the same core the desktop app runs.
import { hostname } from 'node:os';
import type { ConnectionView } from '@klinikfunk/protocol/api/contract.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { Guards, Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import { effectiveNotificationContent } from './account/org-settings.ts';
import { appInfo, type BuildInfo } from './app/app-info.ts';
import { NotificationHold } from './app/notification-hold.ts';
import { notifyNewMessages, type NotificationContent } from './app/notifications.ts';
import type { ProfileRuntime, RuntimeDeps } from './app/profile-runtime.ts';
import { SessionService } from './app/session-service.ts';
import { verifyWipeOrders } from './app/wipe.ts';
import type { HandlerContext } from './app/handler-context.ts';
import { createChangeFeed, type EventSink } from './changes/change-feed.ts';
import {
  calendarPatch,
  channelsPatch,
  featureHandlers,
  filePatch,
  messagePatch,
  pollPatch,
  registerStoreFeatures,
  timelinePatch,
  timelineRepository,
  acceptEscalationMail,
  escalationDeps,
  observeForEscalation,
  alertToMe,
} from './features/registry.ts';
import { delegatedHandlers } from './app/parts/delegated-handlers.ts';
import { userImportHandlers } from './app/parts/user-import-handlers.ts';
import { delegationHandlers } from './app/parts/delegation-handlers.ts';
import { orgAdminHandlers } from './app/parts/org-admin-handlers.ts';
import { workstationHandlers } from './app/parts/workstation-handlers.ts';
import { systemClock, type Clock } from './clock/clock.ts';
import { checkRegistrationCode } from './crypto/enrolment.ts';
import { KDF_FLOOR, type KdfCost } from './crypto/kdf.ts';
import type { SecretKdf } from './session/secret-kdf.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import type { Logger } from './log/logger.ts';
import type { Platform } from './platform/platform.ts';
import type { EffectivePolicy } from './policy/resolve.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export type { EventSink };

export interface CoreDeps {
  build: BuildInfo;
  /** Resolved machine policy (registry, policy file, defaults). */
  policy: EffectivePolicy;
  platform: Platform;
  /** Root folder for this workstation's profiles. */
  dataDir: string;
  log: Logger;
  emit: EventSink;
  clock?: Clock;
  /** Argon2id cost for passphrase wraps; the floor (64 MiB, 3 passes) unless calibrated. */
  kdf?: KdfCost;
  /** Name of this workstation in device certificates (admin view); the host name by default. */
  deviceLabel?: string;
  transportTuning?: RuntimeDeps['transportTuning'];
  /** The Argon2id checks of passphrases and PINs; tests pass a counting wrapper. */
  secrets?: SecretKdf;
  /** The workstation's log files for the support package, oldest first (log/rotating-file.ts). */
  logFiles?: () => Promise<string[]>;
}

export interface Core {
  handlers: Handlers<ProfileRuntime>;
  /** For the IPC router: the checks the contract declares, run before a handler. */
  guards: Guards<ProfileRuntime>;
  sessions: SessionService;
  close(): Promise<void>;
}

const done = { done: true as const };

/** The shared things that notify (core/app/notifications.ts) and are timeline items. */
const SHARED_TYPES: ReadonlySet<string> = new Set(['file.share', 'poll.create', 'calendar.put']);

export function createCore(deps: CoreDeps): Core {
  const clock = deps.clock ?? systemClock;
  const log = deps.log;
  const values = deps.policy.values;
  const language = values.uiLanguage ?? 'de';
  const ready = readySodium();
  registerStoreFeatures();

  // Declared before the sessions it reads: the feed only calls these after a turn, when both exist.
  const feed = createChangeFeed({
    emit: deps.emit,
    log,
    sessionStatus: () => sessions.status(),
    connectionView: () => connectionView(),
    messagePatch: (channelId, change) => messagePatch(sessions.visible(), channelId, change),
    sharedPatch: async (channelId, shared) => {
      const runtime = sessions.visible();
      return {
        kind: 'patch',
        ...(await timelinePatch(runtime, channelId, shared)),
        ...(await pollPatch(runtime, channelId, shared.polls, clock.now())),
        ...(await filePatch(runtime, channelId, shared.files)),
        calendar: await calendarPatch(runtime, channelId, shared.uids, shared.occurrences),
        reloadOverviews: shared.overviews,
      };
    },
    channelsPatch: (channelIds) => channelsPatch(sessions.visible(), channelIds),
  });
  const mark = feed.mark;

  const escalation = escalationDeps({ clock, log, platform: deps.platform, policy: deps.policy });

  const isVisible = (profileId: string) => sessions.session.visibleProfile === profileId && !sessions.session.isLocked;
  // Whose changes the renderer gets: when that changes, what the feed holds for the one before is dropped.
  const screenOf = () => (sessions.session.isLocked ? null : sessions.session.visibleProfile);
  let screen: string | null = null;

  // Files sent together wait for their group and notify once (app/notification-hold.ts); the
  // content rule is read when they show, so a screen locked meanwhile shows no content.
  const notices = new NotificationHold(clock, (profileId, items) => {
    const runtime = sessions.runtime(profileId);
    if (!runtime) return;
    const context = {
      // Machine policy where IT set it, else the organisation's signed setting (account/org-settings.ts).
      content: effectiveNotificationContent(deps.policy, runtime.client.directory.orgSettings) as NotificationContent,
      language,
      onScreen: isVisible(profileId),
      myUserId: runtime.identity.userId,
    };
    runtime.profile.store.directory
      .displayNamesOf([...new Set(items.map((e) => e.senderUserId))])
      .then((names) =>
        notifyNewMessages(
          deps.platform.notifier,
          { ...context, senderName: (userId) => names.get(userId) ?? '?' },
          items,
        ),
      )
      .catch((error: unknown) => log.warn('notification not shown', { error: String(error) }));
  });

  const sessions: SessionService = new SessionService({
    dataDir: deps.dataDir,
    policy: deps.policy,
    platform: deps.platform,
    clock,
    log: log.child('session'),
    kdf: deps.kdf ?? KDF_FLOOR,
    deviceLabel: deps.deviceLabel ?? hostname().slice(0, 200),
    appVersion: deps.build.version,
    ...(deps.transportTuning ? { transportTuning: deps.transportTuning } : {}),
    ...(deps.secrets ? { secrets: deps.secrets } : {}),
    onChanged: () => {
      const now = screenOf();
      if (now !== screen) feed.forget();
      screen = now;
      mark('session');
      feed.channels('all', true);
      mark('connection');
    },
    onRuntimeEvent: (profileId) => ({
      // Only the visible profile's changes reach the renderer; the others sync silently.
      messagesChanged: (channelId, change) => isVisible(profileId) && feed.messages(channelId, change),
      channelsChanged: (channelIds) => isVisible(profileId) && feed.channels(channelIds),
      directoryChanged: () => isVisible(profileId) && feed.channels('all', true),
      connectionChanged: () => isVisible(profileId) && mark('connection'),
      escalationMail: async (items) => {
        const runtime = sessions.runtime(profileId);
        if (runtime) await acceptEscalationMail(runtime, escalation, items);
      },
      received: (events) => {
        const runtime = sessions.runtime(profileId);
        if (!runtime) return;
        observeForEscalation(runtime, escalation, events);
        // A file, poll or appointment notifies only as the timeline shows it: one the rules refused
        // (a member's forged change of someone else's appointment) or a change of an existing
        // appointment names nothing new.
        // An alert notifies only where the fold counts it and names this user (a member's forged one nowhere).
        const timeline = runtime.profile.store.repository(timelineRepository);
        notices.add(
          profileId,
          events.filter((e) => {
            const payload = e.payload as { type: string; alertId?: string };
            if (payload.type === 'alert.send') return alertToMe(runtime, clock, e.eventId, payload.alertId!);
            return !SHARED_TYPES.has(payload.type) || timeline.isItem(e.channelId, e.eventId);
          }),
        );
      },
      fatal: (error) => {
        log.warn('relay refused this device; signing out', { code: error.code });
        // Revoked: only this profile is signed out, with the reason on its own tile.
        if (error.code === 'revoked')
          sessions
            .blockProfile(profileId, error.message)
            .catch((e: unknown) => log.error('profile not signed out', { error: loggable(e) }));
        else sessions.signOut('relay_refused', profileId);
      },
      wipe: (records) => {
        const runtime = sessions.runtime(profileId);
        if (!runtime) return;
        const verdict = verifyWipeOrders(runtime.identity, records, clock.now());
        if (!verdict.ok) return void log.warn('wipe order ignored', { reason: verdict.reason });
        log.warn('wipe order accepted; deleting the profile', { orderId: verdict.orderId });
        void sessions.wipe(profileId).catch((error: unknown) => log.error('wipe failed', { error: loggable(error) }));
      },
    }),
  });

  const connectionView = async (): Promise<ConnectionView | null> => {
    const id = sessions.session.visibleProfile;
    const runtime = id ? sessions.runtime(id) : undefined;
    if (!runtime) return null;
    const info = runtime.transport.connection();
    const { pending, urgent } = await runtime.profile.store.outbox.counts();
    // The engine's count can dip below zero when a channel finishes twice (a retry and a push); the view never shows that.
    return {
      state: info.state,
      syncingChannels: Math.max(0, runtime.syncingChannels),
      pendingSends: pending,
      nextRetryAt: info.nextRetryAt === null ? null : Math.round(info.nextRetryAt),
      problem: info.problem,
      outageSince: runtime.outageSince,
      pendingUrgent: urgent,
    };
  };

  const status = async () => {
    await ready;
    return sessions.status();
  };

  const context: HandlerContext = {
    sessions,
    clock,
    policy: deps.policy,
    platform: deps.platform,
    log,
    emit: deps.emit,
    build: deps.build,
    logFiles: deps.logFiles ?? (() => Promise.resolve([])),
    channelVersion: feed.version,
  };

  const handlers: Handlers<ProfileRuntime> = {
    'app.info': () => appInfo(deps.build, deps.policy),
    'session.status': () => status(),
    'org.create': async (input) => {
      await ready;
      return { profileId: await sessions.createOrganisation(input) };
    },
    'org.checkRegistrationKey': async ({ registrationKey }) => {
      await ready;
      const checked = checkRegistrationCode(registrationKey);
      return checked.ok ? { valid: true, problem: null } : { valid: false, problem: checked.problem };
    },
    'org.join': async (input) => {
      await ready;
      return sessions.joinOrganisation(input);
    },
    'org.joinWithDirectory': async (input) => {
      await ready;
      return sessions.joinWithDirectory(input);
    },
    'session.signIn': async ({ profileId, passphrase }) => {
      await ready;
      await sessions.signIn(profileId, passphrase);
      return sessions.status();
    },
    'session.signOut': async () => {
      sessions.signOut('user');
      return sessions.status();
    },
    'session.lock': async () => {
      sessions.lock();
      return sessions.status();
    },
    'session.unlock': ({ profileId, pin }) => sessions.unlock(profileId, pin),
    'session.setPin': async ({ pin }) => {
      await sessions.setPin(pin);
      return done;
    },
    'session.me': async () => {
      const runtime = sessions.visible();
      const me = runtime.identity;
      const user = await runtime.profile.store.directory.user(me.userId);
      return {
        profileId: runtime.profile.summary.profileId,
        userId: me.userId,
        deviceId: me.deviceId,
        displayName: user?.displayName ?? runtime.profile.summary.displayName,
        role: user?.role ?? 'member',
        ward: user?.ward ?? null,
        orgId: me.orgId,
        orgName: me.orgName,
        relayUrl: me.relayUrl,
        holdsOrgKey: me.orgSecret !== null,
      };
    },
    'connection.status': async () => {
      const view = await connectionView();
      if (!view) throw new AppError('locked', 'No profile is unlocked.');
      return view;
    },
    ...featureHandlers(context),
    ...orgAdminHandlers(context),
    ...workstationHandlers(context),
    ...delegationHandlers(context),
    ...delegatedHandlers(context),
    ...userImportHandlers(context),
  };

  const guards: Guards<ProfileRuntime> = {
    member: async (channelId) => {
      const runtime = sessions.visible();
      const member = await runtime.profile.store.members.isActiveMember(channelId, runtime.identity.userId);
      // The router hands the handler this runtime: it acts on the profile checked here, also when
      // another one became visible meanwhile.
      return member ? runtime : null;
    },
    visible: () => sessions.visible(),
  };

  return {
    handlers,
    guards,
    sessions,
    close: async () => {
      feed.close();
      await sessions.close();
    },
  };
}
