// Who is signed in on this workstation and whether the screen is locked: the state machine of
// docs/security.md "Shared workstations". Pure logic over a clock, the platform's idle source and
// OS events; the key handling lives in the profile service, which this machine tells when to
// purge a key (sign-out) via `onSignedOut`.
//
//   signed out ──passphrase──▶ unlocked ──idle / OS lock / suspend / Ctrl+L / button──▶ locked
//        ▲                         ▲                                                     │
//        │                         └──────────────── correct PIN ◀────────────────────────┤
//        └──── N wrong PINs, session older than maxSessionHours, user or admin sign-out ──┘
//
// Several profiles may be signed in; one is visible. Signing in or unlocking another profile
// locks the one that was visible, so a switch of user never shows the previous person's content.
import type { Clock, Timer } from '../clock/clock.ts';
import type { IdleSource, OsSessionEvent, OsSessionEvents } from '../platform/platform.ts';
import { backoffSeconds } from './attempt-backoff.ts';

export type LockReason = 'idle' | 'os_lock' | 'suspend' | 'hotkey' | 'button' | 'switch_user';
export type SignOutReason = 'user' | 'too_many_pins' | 'session_expired' | 'admin' | 'revoked' | 'app_exit';

export interface SessionRules {
  idleLockSeconds: number;
  pinMaxAttempts: number;
  maxSessionHours: number;
}

export interface SignedInProfile {
  profileId: string;
  locked: boolean;
  /** When the passphrase was last entered (the 12-hour rule counts from here). */
  passphraseAt: number;
  wrongPins: number;
  /** No PIN attempt is accepted before this time (backoff after wrong PINs). */
  nextPinAttemptAt: number;
}

export type PinOutcome =
  | { kind: 'unlocked' }
  | { kind: 'wrong_pin'; attemptsLeft: number; retryAt: number }
  | { kind: 'too_soon'; retryAt: number }
  | { kind: 'signed_out'; reason: SignOutReason }
  | { kind: 'not_signed_in' };

export interface SessionListeners {
  changed?(): void;
  signedOut?(profileId: string, reason: SignOutReason): void;
  locked?(reason: LockReason): void;
}

/** Seconds to wait after the n-th wrong PIN (n from 1): the schedule wrong passphrases follow too. */
export const pinBackoffSeconds = backoffSeconds;

const CHECK_INTERVAL_MS = 5_000;

export class WorkstationSession {
  readonly #clock: Clock;
  readonly #idle: IdleSource;
  readonly #listeners: SessionListeners;
  #rules: SessionRules;
  readonly #profiles = new Map<string, SignedInProfile>();
  #visible: string | null = null;
  #timer: Timer | null = null;
  #offOs: (() => void) | null = null;

  constructor(deps: {
    clock: Clock;
    idle: IdleSource;
    osEvents: OsSessionEvents;
    rules: SessionRules;
    listeners?: SessionListeners;
  }) {
    this.#clock = deps.clock;
    this.#idle = deps.idle;
    this.#rules = deps.rules;
    this.#listeners = deps.listeners ?? {};
    this.#offOs = deps.osEvents.on((event) => this.#onOsEvent(event));
    this.#schedule();
  }

  dispose(): void {
    this.#timer?.cancel();
    this.#offOs?.();
  }

  /** The profile on screen, or null (nobody signed in, or the lock screen is up). */
  get visibleProfile(): string | null {
    return this.#visible;
  }

  /** True when a profile is signed in but the screen shows the lock screen. */
  get isLocked(): boolean {
    return this.#profiles.size > 0 && (this.#visible === null || this.#profiles.get(this.#visible)!.locked);
  }

  signedIn(): SignedInProfile[] {
    return [...this.#profiles.values()].map((p) => ({ ...p }));
  }

  state(profileId: string): 'signed_out' | 'locked' | 'unlocked' {
    const profile = this.#profiles.get(profileId);
    return !profile ? 'signed_out' : profile.locked ? 'locked' : 'unlocked';
  }

  /** The passphrase was verified by the profile service: this profile is now on screen. */
  signIn(profileId: string): void {
    this.#lockVisible('switch_user');
    this.#profiles.set(profileId, {
      profileId,
      locked: false,
      passphraseAt: this.#clock.now(),
      wrongPins: 0,
      nextPinAttemptAt: 0,
    });
    this.#visible = profileId;
    this.#listeners.changed?.();
  }

  lock(reason: LockReason): void {
    if (this.#lockVisible(reason)) this.#listeners.changed?.();
  }

  /**
   * Whether a PIN attempt would be accepted now: null if so, otherwise the outcome to answer
   * with (not signed in, session expired, backoff). The profile service asks this before it
   * spends an Argon2id verification, so waiting out the backoff is not optional.
   */
  pinGate(profileId: string): Exclude<PinOutcome, { kind: 'unlocked' | 'wrong_pin' }> | null {
    const profile = this.#profiles.get(profileId);
    if (!profile) return { kind: 'not_signed_in' };
    const now = this.#clock.now();
    if (this.#expired(profile, now)) {
      this.signOut(profileId, 'session_expired');
      return { kind: 'signed_out', reason: 'session_expired' };
    }
    if (now < profile.nextPinAttemptAt) return { kind: 'too_soon', retryAt: profile.nextPinAttemptAt };
    return null;
  }

  /** When the passphrase of a signed-in profile is due again (the 12-hour rule), or null. */
  passphraseDueAt(profileId: string): number | null {
    const profile = this.#profiles.get(profileId);
    return profile ? profile.passphraseAt + this.#rules.maxSessionHours * 3_600_000 : null;
  }

  get rules(): SessionRules {
    return { ...this.#rules };
  }

  /** Applies the result of a PIN check (the Argon2id verification happens in the profile service). */
  submitPin(profileId: string, pinCorrect: boolean): PinOutcome {
    const gate = this.pinGate(profileId);
    if (gate) return gate;
    const profile = this.#profiles.get(profileId)!;
    const now = this.#clock.now();
    if (!pinCorrect) {
      profile.wrongPins++;
      if (profile.wrongPins >= this.#rules.pinMaxAttempts) {
        this.signOut(profileId, 'too_many_pins');
        return { kind: 'signed_out', reason: 'too_many_pins' };
      }
      profile.nextPinAttemptAt = now + pinBackoffSeconds(profile.wrongPins) * 1000;
      this.#listeners.changed?.();
      return {
        kind: 'wrong_pin',
        attemptsLeft: this.#rules.pinMaxAttempts - profile.wrongPins,
        retryAt: profile.nextPinAttemptAt,
      };
    }
    if (this.#visible !== profileId) this.#lockVisible('switch_user');
    profile.locked = false;
    profile.wrongPins = 0;
    profile.nextPinAttemptAt = 0;
    this.#visible = profileId;
    this.#listeners.changed?.();
    return { kind: 'unlocked' };
  }

  signOut(profileId: string, reason: SignOutReason): void {
    if (!this.#profiles.delete(profileId)) return;
    if (this.#visible === profileId) this.#visible = null;
    this.#listeners.signedOut?.(profileId, reason);
    this.#listeners.changed?.();
  }

  /** Policy can change at runtime only through a restart today; tests use this to vary rules. */
  setRules(rules: SessionRules): void {
    this.#rules = rules;
  }

  /** Runs the periodic checks now (idle time, session age); also called by the internal timer. */
  check(): void {
    const now = this.#clock.now();
    for (const profile of [...this.#profiles.values()]) {
      if (this.#expired(profile, now)) this.signOut(profile.profileId, 'session_expired');
    }
    if (
      this.#visible &&
      !this.#profiles.get(this.#visible)?.locked &&
      this.#idle.idleSeconds() >= this.#rules.idleLockSeconds
    ) {
      this.lock('idle');
    }
  }

  #expired(profile: SignedInProfile, now: number): boolean {
    return now - profile.passphraseAt >= this.#rules.maxSessionHours * 3_600_000;
  }

  #lockVisible(reason: LockReason): boolean {
    const visible = this.#visible ? this.#profiles.get(this.#visible) : undefined;
    if (!visible || visible.locked) return false;
    visible.locked = true;
    this.#listeners.locked?.(reason);
    return true;
  }

  #onOsEvent(event: OsSessionEvent): void {
    if (event === 'lock-screen') this.lock('os_lock');
    else if (event === 'suspend') this.lock('suspend');
  }

  #schedule(): void {
    this.#timer = this.#clock.after(CHECK_INTERVAL_MS, () => {
      this.check();
      this.#schedule();
    });
  }
}
