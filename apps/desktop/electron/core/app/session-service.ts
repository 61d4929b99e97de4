// size: the session's transitions (create, join, sign in, lock, unlock, sign out) over every signed-in profile, in one class so none skips a check.
// The workstation's session, as the renderer sees it: profiles on this PC, first run (create or
// join an organisation), sign-in with the passphrase, lock and PIN, sign-out. It owns the
// ProfileRuntime of every signed-in profile; the messaging handlers reach only the visible one.
import type { SessionStatus, UnlockOutcome } from '@klinikfunk/protocol/api/contract.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import { hashSecret, KDF_FLOOR, type KdfCost, type KdfParams } from '../crypto/kdf.ts';
import type { Clock } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import type { Platform } from '../platform/platform.ts';
import type { EffectivePolicy } from '../policy/resolve.ts';
import { createRelayNetwork, type RelayNetwork, type RelayNetworkPolicy } from '../net/relay-network.ts';
import { ClipboardGuard } from '../session/clipboard-guard.ts';
import { PerKeyQueue } from '../session/per-key-queue.ts';
import { checkPin } from '../session/pin-rules.ts';
import { isRelayNotice, ProfileNotices, type ProfileNoticeReason } from '../session/profile-notices.ts';
import { ProfileRelays } from '../session/profile-relays.ts';
import { ProfileError, ProfileManager, type OpenProfile } from '../session/profiles.ts';
import { argon2idSecrets, type SecretKdf } from '../session/secret-kdf.ts';
import { WorkstationSession, type SessionRules, type SignOutReason } from '../session/workstation-session.ts';
import { bootstrapRelay } from '../transport/bootstrap.ts';
import { lookupEnrolment } from '../transport/enrol-lookup.ts';
import { signInWithDirectory } from '../transport/directory-sign-in.ts';
import { checkRelayOrg } from '../transport/relay-org-check.ts';
import { TransportError } from '../transport/transport.ts';
import { isNetworkProblem } from '../net/network-problem.ts';
import {
  certificateOf,
  deviceSigner,
  loadIdentity,
  orgPublicKeyOf,
  saveIdentity,
  type Identity,
} from '../account/identity.ts';
import { beginEnrolment, createOrganisation, SetupError } from '../account/org-setup.ts';
import { beginDirectorySignIn } from '../account/directory-enrolment.ts';
import type { SignInRefusal } from '@klinikfunk/protocol/wire/directory-sign-in.ts';
import type { NotificationContent } from './notifications.ts';
import { ProfileRuntime, type RuntimeDeps, type RuntimeEvents } from './profile-runtime.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

const PIN_KEY = 'session.pin';
/** How long a sign-in waits for the relay a changed RelayUrl names before going on without moving. */
const RELAY_CHECK_MS = 8_000;
/** A six-digit PIN has only a million values: its Argon2id hash gets the full floor cost. */
const PIN_KDF: KdfCost = KDF_FLOOR;

export interface SessionServiceDeps {
  dataDir: string;
  policy: EffectivePolicy;
  platform: Platform;
  clock: Clock;
  log: Logger;
  /** Argon2id cost of new passphrase wraps (calibrated in the app; the floor in tests). */
  kdf: KdfCost;
  deviceLabel: string;
  /** This build's version, reported to the relay by every profile's connection. */
  appVersion?: string;
  /** Per-profile events to the renderer (only the visible profile's reach it). */
  onRuntimeEvent: (profileId: string) => RuntimeEvents;
  onChanged: () => void;
  transportTuning?: RuntimeDeps['transportTuning'];
  /** The Argon2id checks of passphrases and PINs (tests count them). */
  secrets?: SecretKdf;
}

export class SessionService {
  readonly profiles: ProfileManager;
  readonly session: WorkstationSession;
  /** Copied message text, removed after policy time and whenever the screen locks or a profile signs out. */
  readonly clipboard: ClipboardGuard;
  readonly #deps: SessionServiceDeps;
  readonly #runtimes = new Map<string, ProfileRuntime>();
  #lastSignOut: SessionStatus['lastSignOutReason'] = null;
  readonly #pinSet = new Map<string, boolean>();
  /** Sign-ins per profile, one after another (separate from the attempt queue that profiles.open takes). */
  readonly #signIns = new PerKeyQueue();
  /** Per profile: the relay refused its device for good (shown on that profile's tile only). */
  readonly #notices: ProfileNotices;
  /** Per profile: its relay address, offered when another profile is set up here. */
  readonly #relays: ProfileRelays;
  /** Trust store and proxy of every relay connection on this workstation (policy and OS). */
  readonly network: RelayNetwork;

  constructor(deps: SessionServiceDeps) {
    this.#deps = deps;
    this.#notices = new ProfileNotices(deps.dataDir, (message) => deps.log.warn(message));
    this.#relays = new ProfileRelays(deps.dataDir, (message) => deps.log.warn(message));
    this.profiles = new ProfileManager({
      rootDir: deps.dataDir,
      kdf: deps.kdf,
      safeStorage: deps.platform.safeStorage,
      clock: deps.clock,
      secrets: deps.secrets ?? argon2idSecrets,
    });
    const rules = deps.policy.values;
    this.network = createRelayNetwork({
      platform: deps.platform.network,
      policy: {
        proxyMode: rules.proxyMode as RelayNetworkPolicy['proxyMode'],
        proxyServer: rules.proxyServer,
        relayCaCertificates: rules.relayCaCertificates,
      },
      log: deps.log.child('net'),
    });
    this.clipboard = new ClipboardGuard({
      clipboard: deps.platform.clipboard,
      clock: deps.clock,
      clearAfterSeconds: rules.clipboardClearSeconds,
      onClearFailed: (error) => deps.log.warn('clipboard not cleared', { error: loggable(error) }),
    });
    const clearClipboard = () =>
      void this.clipboard
        .clearIfUnchanged()
        .catch((error: unknown) => deps.log.warn('clipboard not cleared', { error: loggable(error) }));
    this.session = new WorkstationSession({
      clock: deps.clock,
      idle: deps.platform.idle,
      osEvents: deps.platform.osSession,
      rules: {
        idleLockSeconds: rules.idleLockSeconds,
        pinMaxAttempts: rules.pinMaxAttempts,
        maxSessionHours: rules.maxSessionHours,
      },
      listeners: {
        changed: () => deps.onChanged(),
        locked: () => {
          clearClipboard();
          // What the locked profile's services held (an upload under way) ends with the lock.
          const locked = this.session.visibleProfile;
          const runtime = locked ? this.#runtimes.get(locked) : undefined;
          runtime
            ?.disposeServices()
            .catch((error: unknown) => deps.log.warn('services not disposed at lock', { error: loggable(error) }));
        },
        signedOut: (profileId, reason) => {
          clearClipboard();
          this.#closeRuntime(profileId, reason).catch((error: unknown) =>
            deps.log.error('profile not closed after sign-out', { error: loggable(error) }),
          );
        },
      },
    });
  }

  async status(): Promise<SessionStatus> {
    await this.#notices.load();
    await this.#relays.load();
    const list = await this.profiles.list();
    const visible = this.session.visibleProfile;
    const locked = this.session.isLocked;
    const state: SessionStatus['state'] =
      list.length === 0 ? 'no_profiles' : visible && !locked ? 'unlocked' : locked ? 'locked' : 'signed_out';
    const activeProfileId = state === 'unlocked' ? visible : null;
    return {
      state,
      profileCount: list.length,
      activeProfileId,
      profiles: list.map((p) => {
        const s = this.session.state(p.profileId);
        return {
          profileId: p.profileId,
          displayName: p.displayName,
          orgName: null,
          signedIn: s !== 'signed_out',
          locked: s === 'locked',
          notice: this.#notices.get(p.profileId),
          relayUrl: this.#relays.get(p.profileId),
        };
      }),
      pinRequired: activeProfileId !== null && this.#pinSet.get(activeProfileId) !== true,
      lastSignOutReason: this.#lastSignOut,
    };
  }

  /** The visible, unlocked profile; every call that reads or writes content goes through here. */
  visible(): ProfileRuntime {
    const id = this.session.visibleProfile;
    const runtime = id && !this.session.isLocked ? this.#runtimes.get(id) : undefined;
    if (!runtime) throw new AppError('locked', 'No profile is unlocked.');
    return runtime;
  }

  /** Every signed-in profile's runtime, with its id (the support package reads their connection state). */
  running(): Array<[profileId: string, runtime: ProfileRuntime]> {
    return [...this.#runtimes.entries()];
  }

  runtime(profileId: string): ProfileRuntime | undefined {
    return this.#runtimes.get(profileId);
  }

  async createOrganisation(input: {
    orgName: string;
    displayName: string;
    relayUrl: string;
    setupCode: string;
    passphrase: string;
  }): Promise<string> {
    this.#checkManagedRelay(input.relayUrl);
    if (this.#deps.policy.managedBy.orgFingerprint)
      throw new AppError(
        'not_permitted',
        'This workstation is pinned to one organisation (policy OrgFingerprint); a new organisation cannot be created here.',
      );
    const created = createOrganisation({ ...input, deviceLabel: this.#deps.deviceLabel, now: this.#deps.clock.now() });
    try {
      await bootstrapRelay(
        input.relayUrl,
        input.setupCode,
        created.records as unknown as Array<Record<string, unknown>>,
        { network: this.network },
      );
    } catch (error) {
      throw relayError(error, 'setup');
    }
    return this.#createProfile(created.identity, input.displayName, input.passphrase, created.records);
  }

  async joinOrganisation(input: {
    registrationKey: string;
    relayUrl: string;
    passphrase: string;
  }): Promise<{ profileId: string; displayName: string }> {
    this.#checkManagedRelay(input.relayUrl);
    let enrolment;
    try {
      enrolment = beginEnrolment(input.registrationKey);
    } catch (error: unknown) {
      if (error instanceof SetupError)
        throw new AppError('invalid_input', `registration key: ${error.problem ?? error.message}`);
      throw error;
    }
    // A mistyped OrgFingerprint policy pins nothing the resolver keeps (it falls back to unset):
    // joining then would trust any organisation, so it stops here and says what is wrong.
    const badPin = this.#deps.policy.problems.find((p) => p.key === 'orgFingerprint');
    if (badPin)
      throw new AppError(
        'not_permitted',
        `The OrgFingerprint policy of this workstation is not valid (${badPin.detail}); ask IT to correct it.`,
      );
    let records;
    try {
      records = await lookupEnrolment(
        input.relayUrl,
        { deviceId: enrolment.deviceId, enrolmentId: enrolment.enrolmentId, sign: enrolment.signLookup },
        { network: this.network },
      );
    } catch (error) {
      throw relayError(error, 'join');
    }
    let identity;
    try {
      identity = enrolment.complete(records, {
        relayUrl: input.relayUrl,
        deviceLabel: this.#deps.deviceLabel,
        pinnedFingerprint: this.#deps.policy.values.orgFingerprint ?? null,
        now: this.#deps.clock.now(),
      });
    } catch (error) {
      if (error instanceof SetupError)
        throw new AppError(error.code === 'wrong_org' ? 'not_permitted' : 'unavailable', error.message);
      throw error;
    }
    const { displayName, ...rest } = identity;
    const profileId = await this.#createProfile(rest, displayName, input.passphrase, [...records, rest.certificate]);
    return { profileId, displayName };
  }

  /**
   * Joins with the directory account and password through the directory agent
   * (account/directory-enrolment.ts). A refusal (wrong name or password, disabled, not in the
   * group, too many attempts, not switched on, agent away) is an answer, not an error: the
   * first-run screen says what to do.
   */
  async joinWithDirectory(input: {
    account: string;
    password: string;
    relayUrl: string;
    passphrase: string;
  }): Promise<
    | { status: 'joined'; profileId: string; displayName: string }
    | { status: 'refused'; reason: SignInRefusal; retryAfterSeconds: number | null }
  > {
    this.#checkManagedRelay(input.relayUrl);
    const badPin = this.#deps.policy.problems.find((p) => p.key === 'orgFingerprint');
    if (badPin)
      throw new AppError(
        'not_permitted',
        `The OrgFingerprint policy of this workstation is not valid (${badPin.detail}); ask IT to correct it.`,
      );
    const signIn = beginDirectorySignIn({
      account: input.account,
      password: input.password,
      deviceLabel: this.#deps.deviceLabel,
      pinnedFingerprint: this.#deps.policy.values.orgFingerprint ?? null,
      now: this.#deps.clock.now(),
    });
    // A refusal of the relay's records (another organisation than the pinned one) keeps its code.
    let setupError: SetupError | null = null;
    let outcome;
    try {
      outcome = await signInWithDirectory(
        input.relayUrl,
        {
          deviceId: signIn.deviceId,
          seal: (records) => {
            try {
              return signIn.seal(records);
            } catch (error) {
              if (error instanceof SetupError) setupError = error;
              throw error;
            }
          },
        },
        { network: this.network },
      );
    } catch (error) {
      if (setupError) throw setupErrorToApp(setupError);
      throw relayError(error, 'join');
    }
    if (!outcome.ok) return { status: 'refused', reason: outcome.code, retryAfterSeconds: outcome.retryAfterSeconds };
    let identity;
    try {
      identity = signIn.complete(outcome.records, { relayUrl: input.relayUrl });
    } catch (error) {
      if (error instanceof SetupError) throw setupErrorToApp(error);
      throw error;
    }
    const { displayName, ...rest } = identity;
    const profileId = await this.#createProfile(rest, displayName, input.passphrase, outcome.records);
    return { status: 'joined', profileId, displayName };
  }

  /** Where IT set RelayUrl, setup uses that address and no other (the field is locked in the UI too). */
  #checkManagedRelay(relayUrl: string): void {
    const managed = this.#deps.policy.values.relayUrl;
    if (managed !== null && relayUrl !== managed)
      throw new AppError('not_permitted', `This workstation is configured for the relay ${managed} (policy RelayUrl).`);
  }

  async #createProfile(
    identity: Identity,
    displayName: string,
    passphrase: string,
    knownRecords: ReadonlyArray<unknown>,
  ): Promise<string> {
    const opened = await this.profiles.create({ displayName, passphrase, orgId: identity.orgId });
    await saveIdentity(opened.store, identity);
    await this.#start(opened, identity, knownRecords);
    return opened.summary.profileId;
  }

  /**
   * One sign-in per profile at a time: two at once (a double Enter) would both find no runtime and
   * start two, the first orphaned with its socket, store and key after sign-out.
   */
  signIn(profileId: string, passphrase: string): Promise<void> {
    return this.#signIns.run(profileId, () => this.#signInOnce(profileId, passphrase));
  }

  async #signInOnce(profileId: string, passphrase: string): Promise<void> {
    const running = this.#runtimes.get(profileId);
    const opened = await this.#open(profileId, passphrase);
    if (running && this.#runtimes.get(profileId) === running) {
      // Signed in already (locked): the passphrase is checked again and the 12-hour clock restarts.
      this.profiles.close(opened);
      this.session.signIn(profileId);
      return;
    }
    // Not running, or its runtime ended (12 hours, PIN limit, admin) while the passphrase was checked.
    const stored = await loadIdentity(opened.store);
    if (!stored) {
      this.profiles.close(opened);
      throw new AppError('not_found', 'This profile was never connected to an organisation.');
    }
    let identity = stored;
    try {
      identity = await this.#followRelayPolicy(profileId, opened, stored);
    } catch (error) {
      // The move is tried again at the next sign-in; this one goes on with the known relay.
      this.#deps.log.warn('relay move not completed', { error: loggable(error) });
    }
    await this.#start(opened, identity);
  }

  /**
   * A RelayUrl policy that names another relay than the profile's moves the profile there, but
   * only after that relay proved it serves this profile's organisation, as at enrolment
   * (transport/relay-org-check.ts): a policy cannot hand a profile to another organisation's
   * relay. Either way the profile's tile says what happened. A relay that does not answer gives no
   * verdict: the profile stays where it is and the next sign-in tries again.
   */
  async #followRelayPolicy(profileId: string, opened: OpenProfile, identity: Identity): Promise<Identity> {
    await this.#notices.load();
    const previous = this.#notices.get(profileId);
    if (previous && isRelayNotice(previous.reason)) await this.#notices.clear(profileId);
    const target = this.#deps.policy.values.relayUrl;
    if (target === null || target === identity.relayUrl) return identity;
    const check = await checkRelayOrg(
      target,
      {
        deviceId: identity.deviceId,
        sign: deviceSigner(identity),
        certificate: identity.certificateUploaded
          ? null
          : (certificateOf(identity) as unknown as Record<string, unknown>),
        orgPublicKey: orgPublicKeyOf(identity),
      },
      { timeoutMs: RELAY_CHECK_MS, network: this.network },
    );
    const at = this.#deps.clock.now();
    if (check.ok) {
      const moved = { ...identity, relayUrl: target };
      await saveIdentity(opened.store, moved);
      await this.#notices.set(profileId, { reason: 'relay_moved', at, url: target });
      this.#deps.log.info('profile moved to the relay the policy names', { from: identity.relayUrl, to: target });
      return moved;
    }
    if (check.reason === 'network') {
      // The relay's certificate is not trusted here, or the proxy stands in the way: IT has to fix
      // that (the old relay may be gone already), so the tile says so instead of only the log.
      await this.#notices.set(profileId, { reason: 'relay_move_blocked', at, url: target });
      this.#deps.log.warn("relay the policy names not reached through this workstation's network; profile not moved", {
        to: target,
        problem: check.problem,
        detail: check.detail,
      });
      return identity;
    }
    if (check.reason === 'unreachable') {
      this.#deps.log.warn('relay the policy names not reached; profile stays on its relay until the next sign-in', {
        to: target,
        detail: check.detail,
      });
      return identity;
    }
    await this.#notices.set(profileId, { reason: 'relay_move_refused', at, url: target });
    this.#deps.log.warn("relay the policy names is not this organisation's; profile not moved", {
      to: target,
      detail: check.detail,
    });
    return identity;
  }

  async #open(profileId: string, passphrase: string): Promise<OpenProfile> {
    try {
      return await this.profiles.open(profileId, passphrase);
    } catch (error) {
      if (error instanceof ProfileError) {
        if (error.code === 'wrong_passphrase') throw new AppError('wrong_passphrase', 'Wrong passphrase.');
        if (error.code === 'not_found') throw new AppError('not_found', 'Profile not found.');
        if (error.code === 'too_soon')
          throw new AppError(
            'too_many_attempts',
            `Too many wrong passphrases; try again after ${new Date(error.retryAt ?? 0).toISOString()}.`,
          );
        if (error.code === 'os_key_unavailable') throw new AppError('secure_store_unavailable', error.message);
        throw new AppError('unavailable', `The profile cannot be opened: ${error.code}`);
      }
      throw error;
    }
  }

  async #start(opened: OpenProfile, identity: Identity, knownRecords: ReadonlyArray<unknown> = []): Promise<void> {
    const profileId = opened.summary.profileId;
    const runtime = await ProfileRuntime.open({
      profile: opened,
      identity,
      clock: this.#deps.clock,
      log: this.#deps.log.child(`profile-${profileId.slice(0, 8)}`),
      events: this.#deps.onRuntimeEvent(profileId),
      retentionDays: this.#deps.policy.values.retentionDays,
      network: this.network,
      ...(this.#deps.appVersion ? { appVersion: this.#deps.appVersion } : {}),
      ...(this.#deps.transportTuning ? { transportTuning: this.#deps.transportTuning } : {}),
    });
    await runtime.client.ingestLocal(knownRecords);
    this.#runtimes.set(profileId, runtime);
    this.#pinSet.set(profileId, (await opened.store.getSetting(PIN_KEY)) !== null);
    // Offered when another profile is set up on this PC; a failed write costs only that offer.
    await this.#relays
      .remember(profileId, identity.relayUrl, this.#deps.clock.now())
      .catch((error: unknown) => this.#deps.log.warn('profile relay not recorded', { error: loggable(error) }));
    this.#lastSignOut = null;
    // Accepted by the relay again (the admin re-activated the user): the tile's refusal notice goes.
    runtime.transport.onState((state) => {
      const notice = this.#notices.get(profileId);
      if (state !== 'online' || !notice || isRelayNotice(notice.reason)) return;
      this.#notices
        .clear(profileId)
        .then(() => this.#deps.onChanged())
        .catch((error: unknown) => this.#deps.log.warn('profile notice not cleared', { error: loggable(error) }));
    });
    this.session.signIn(profileId);
    await runtime.start();
  }

  /**
   * The relay refused this profile's device for good. Only this profile is signed out, and the
   * reason is kept for its tile: the workstation's other profiles go on as they were.
   */
  async blockProfile(profileId: string, relayReason = ''): Promise<void> {
    const runtime = this.#runtimes.get(profileId);
    // The relay's word (its close reason) or this device's directory; only the wording depends on it.
    const deactivated = relayReason.includes('user inactive') || (runtime !== undefined && userDeactivated(runtime));
    const reason: ProfileNoticeReason = deactivated ? 'deactivated' : 'revoked';
    await this.#notices.set(profileId, { reason, at: this.#deps.clock.now() });
    // lastSignOutReason says 'revoked' as before; the screens show it on this profile's tile only.
    this.signOut('revoked', profileId);
    this.#deps.onChanged();
  }

  signOut(reason: SignOutReason | 'wiped' | 'relay_refused' = 'user', profileId = this.session.visibleProfile): void {
    if (!profileId) return;
    this.#lastSignOut = reason;
    this.session.signOut(profileId, reason === 'wiped' || reason === 'relay_refused' ? 'admin' : reason);
  }

  lock(): void {
    this.session.lock('button');
  }

  async setPin(pin: string): Promise<void> {
    const runtime = this.visible();
    const problem = checkPin(pin, this.#deps.policy.values.pinMinLength);
    if (problem) throw new AppError('invalid_input', `PIN ${problem}`);
    await runtime.profile.store.setSetting(PIN_KEY, await hashSecret(pin, PIN_KDF));
    this.#pinSet.set(runtime.profile.summary.profileId, true);
    this.#deps.onChanged();
  }

  /** One PIN attempt at a time per profile (shared with passphrase attempts), so the backoff holds for concurrent calls. */
  unlock(profileId: string, pin: string): Promise<UnlockOutcome> {
    return this.profiles.exclusive(profileId, () => this.#unlockOnce(profileId, pin));
  }

  async #unlockOnce(profileId: string, pin: string): Promise<UnlockOutcome> {
    const runtime = this.#runtimes.get(profileId);
    if (!runtime) return { kind: 'signed_out' };
    // Backoff and the 12-hour limit are checked before the Argon2id verification runs.
    const gate = this.session.pinGate(profileId);
    if (gate?.kind === 'too_soon') return { kind: 'too_soon', retryAt: gate.retryAt };
    if (gate) {
      if (gate.kind === 'signed_out') this.#lastSignOut = gate.reason;
      return { kind: 'signed_out' };
    }
    const stored = await runtime.profile.store.getSetting<{ kdf: KdfParams; hashB64: string }>(PIN_KEY);
    const correct = stored !== null && (await (this.#deps.secrets ?? argon2idSecrets).verify(pin, stored));
    const outcome = this.session.submitPin(profileId, correct);
    switch (outcome.kind) {
      case 'unlocked':
        return { kind: 'unlocked' };
      case 'wrong_pin':
        return { kind: 'wrong_pin', attemptsLeft: outcome.attemptsLeft, retryAt: outcome.retryAt };
      case 'too_soon':
        return { kind: 'too_soon', retryAt: outcome.retryAt };
      case 'signed_out':
        this.#lastSignOut = outcome.reason;
        return { kind: 'signed_out' };
      case 'not_signed_in':
        return { kind: 'signed_out' };
    }
  }

  async #closeRuntime(profileId: string, reason: SignOutReason): Promise<void> {
    this.#lastSignOut ??= reason;
    const runtime = this.#runtimes.get(profileId);
    if (!runtime) return;
    this.#runtimes.delete(profileId);
    try {
      await runtime.stop();
    } catch (error) {
      this.#deps.log.warn('profile did not stop cleanly', { error: loggable(error) });
    }
    this.profiles.close(runtime.profile);
    this.#deps.onChanged();
  }

  /** Deletes a profile's store and files (remote wipe); signs it out first. */
  async wipe(profileId: string): Promise<void> {
    this.#lastSignOut = 'wiped';
    this.session.signOut(profileId, 'admin');
    await this.#closeRuntime(profileId, 'admin');
    await this.profiles.delete(profileId);
    this.#deps.onChanged();
  }

  /** The session rules in force (for the renderer's hints); no content. */
  rules(): SessionRules & {
    notificationContent: NotificationContent;
    clipboardClearSeconds: number;
    passphraseDueAt: number | null;
  } {
    const visible = this.session.visibleProfile;
    const values = this.#deps.policy.values;
    return {
      ...this.session.rules,
      notificationContent: values.notificationContent as NotificationContent,
      clipboardClearSeconds: this.clipboard.clearAfterSeconds,
      passphraseDueAt: visible && !this.session.isLocked ? this.session.passphraseDueAt(visible) : null,
    };
  }

  async close(): Promise<void> {
    this.session.dispose();
    this.clipboard.dispose();
    await this.clipboard.clearIfUnchanged().catch(() => false);
    for (const profileId of [...this.#runtimes.keys()]) await this.#closeRuntime(profileId, 'app_exit');
  }
}

/** The signed directory this device holds says its user was deactivated (else: the device was revoked). */
function userDeactivated(runtime: ProfileRuntime): boolean {
  const { directory } = runtime.client;
  const userId = runtime.identity.userId;
  return directory.users.get(userId)?.body.active === false || directory.revokedUsers.has(userId);
}

function setupErrorToApp(error: SetupError): AppError {
  return new AppError(error.code === 'wrong_org' ? 'not_permitted' : 'unavailable', error.message);
}

function relayError(error: unknown, step: 'setup' | 'join'): AppError {
  if (error instanceof TransportError) {
    // The network's own reasons keep their codes: each says what to do (certificate, proxy).
    if (isNetworkProblem(error.code)) return new AppError(error.code, `The relay cannot be reached: ${error.message}`);
    if (error.code === 'offline' || error.code === 'timeout' || error.code === 'disconnected')
      return new AppError('relay_unreachable', `The relay cannot be reached: ${error.message}`);
    if (step === 'join' && error.code === 'not_found') return new AppError('not_found', error.message);
    if (step === 'setup' && error.code === 'auth_failed') return new AppError('not_permitted', 'Wrong setup code.');
    if (step === 'setup' && error.code === 'bad_frame')
      return new AppError('unavailable', 'The relay is already set up for an organisation.');
    return new AppError('unavailable', `${error.code}: ${error.message}`);
  }
  return new AppError('internal', String(error));
}
