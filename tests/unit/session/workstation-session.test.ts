import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import { FakeIdleSource, FakeOsSessionEvents } from '../../../apps/desktop/electron/core/platform/fakes.ts';
import {
  pinBackoffSeconds,
  WorkstationSession,
  type SessionRules,
} from '../../../apps/desktop/electron/core/session/workstation-session.ts';

const RULES: SessionRules = { idleLockSeconds: 300, pinMaxAttempts: 5, maxSessionHours: 12 };

function setup(rules: SessionRules = RULES) {
  const clock = new FakeClock();
  const idle = new FakeIdleSource();
  const os = new FakeOsSessionEvents();
  const signedOut: Array<[string, string]> = [];
  const locks: string[] = [];
  const session = new WorkstationSession({
    clock,
    idle,
    osEvents: os,
    rules,
    listeners: { signedOut: (id, reason) => signedOut.push([id, reason]), locked: (reason) => locks.push(reason) },
  });
  /** Lets wall time pass with the user away from the keyboard. */
  const away = (seconds: number) => {
    idle.seconds += seconds;
    clock.advance(seconds * 1000);
  };
  return { clock, idle, os, session, signedOut, locks, away };
}

describe('workstation session: locking', () => {
  it('locks after the configured idle time and not before', () => {
    const t = setup();
    t.session.signIn('anna');
    t.away(290);
    expect(t.session.state('anna')).toBe('unlocked');
    t.away(15);
    expect(t.session.state('anna')).toBe('locked');
    expect(t.locks).toEqual(['idle']);
    expect(t.session.isLocked).toBe(true);
  });

  it('uses the reception preset of one minute when policy says so', () => {
    const t = setup({ ...RULES, idleLockSeconds: 60 });
    t.session.signIn('empfang');
    t.away(65);
    expect(t.session.state('empfang')).toBe('locked');
  });

  it('activity resets the idle count', () => {
    const t = setup();
    t.session.signIn('anna');
    t.away(250);
    t.idle.seconds = 0; // keyboard input
    t.away(250);
    expect(t.session.state('anna')).toBe('unlocked');
  });

  it.each([
    ['lock-screen', 'os_lock'],
    ['suspend', 'suspend'],
  ] as const)('locks at once on OS event %s', (event, reason) => {
    const t = setup();
    t.session.signIn('anna');
    t.os.emit(event);
    expect(t.session.state('anna')).toBe('locked');
    expect(t.locks).toEqual([reason]);
  });

  it('locks on the hotkey and the button', () => {
    const t = setup();
    t.session.signIn('anna');
    t.session.lock('hotkey');
    expect(t.session.state('anna')).toBe('locked');
    t.session.submitPin('anna', true);
    t.session.lock('button');
    expect(t.locks).toEqual(['hotkey', 'button']);
  });

  it('keeps the profile signed in while locked (key stays, sync continues)', () => {
    const t = setup();
    t.session.signIn('anna');
    t.session.lock('hotkey');
    expect(t.signedOut).toEqual([]);
    expect(t.session.signedIn().map((p) => p.profileId)).toEqual(['anna']);
  });
});

describe('workstation session: PIN', () => {
  it('unlocks with the right PIN', () => {
    const t = setup();
    t.session.signIn('anna');
    t.session.lock('hotkey');
    expect(t.session.submitPin('anna', true)).toEqual({ kind: 'unlocked' });
    expect(t.session.visibleProfile).toBe('anna');
    expect(t.session.isLocked).toBe(false);
  });

  it('signs out after five wrong PINs, with backoff between attempts', () => {
    const t = setup();
    t.session.signIn('anna');
    t.session.lock('idle');
    const outcomes = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const outcome = t.session.submitPin('anna', false);
      outcomes.push(outcome.kind);
      if (outcome.kind === 'wrong_pin') {
        // An attempt during the backoff is refused without counting.
        if (outcome.retryAt > t.clock.now()) expect(t.session.submitPin('anna', true).kind).toBe('too_soon');
        t.clock.advance(Math.max(0, outcome.retryAt - t.clock.now()));
      }
    }
    expect(outcomes).toEqual(['wrong_pin', 'wrong_pin', 'wrong_pin', 'wrong_pin', 'signed_out']);
    expect(t.signedOut).toEqual([['anna', 'too_many_pins']]);
    expect(t.session.state('anna')).toBe('signed_out');
    expect(t.session.submitPin('anna', true)).toEqual({ kind: 'not_signed_in' });
  });

  it('honours a stricter attempt limit from policy', () => {
    const t = setup({ ...RULES, pinMaxAttempts: 3 });
    t.session.signIn('anna');
    t.session.lock('idle');
    for (let i = 0; i < 3; i++) {
      const outcome = t.session.submitPin('anna', false);
      if (outcome.kind === 'wrong_pin') t.clock.advance(outcome.retryAt - t.clock.now());
    }
    expect(t.session.state('anna')).toBe('signed_out');
  });

  it('a correct PIN resets the count of wrong ones', () => {
    const t = setup();
    t.session.signIn('anna');
    t.session.lock('idle');
    t.session.submitPin('anna', false);
    t.session.submitPin('anna', false);
    t.session.submitPin('anna', true);
    t.session.lock('idle');
    t.session.submitPin('anna', false);
    expect(t.session.signedIn()[0]!.wrongPins).toBe(1);
  });

  it('backoff grows after the first two typos and is capped', () => {
    expect([1, 2, 3, 4, 5, 6].map(pinBackoffSeconds)).toEqual([0, 0, 2, 4, 8, 16]);
    expect(pinBackoffSeconds(40)).toBe(300);
  });
});

describe('workstation session: re-authentication', () => {
  it('requires the passphrase again 12 hours after it was entered, even with activity', () => {
    const t = setup();
    t.session.signIn('anna');
    for (let hour = 0; hour < 11; hour++) {
      t.idle.seconds = 0;
      t.clock.advance(3_600_000);
    }
    expect(t.session.state('anna')).toBe('unlocked');
    t.clock.advance(3_600_000);
    expect(t.session.state('anna')).toBe('signed_out');
    expect(t.signedOut).toEqual([['anna', 'session_expired']]);
  });

  it('a PIN cannot extend the session past the limit', () => {
    const t = setup({ ...RULES, maxSessionHours: 1 });
    t.session.signIn('anna');
    t.session.lock('hotkey');
    t.session.dispose(); // no periodic check: the PIN path itself must enforce the limit
    t.clock.advance(3_600_000);
    expect(t.session.submitPin('anna', true)).toEqual({ kind: 'signed_out', reason: 'session_expired' });
  });

  it('admin sign-out ends the session at once', () => {
    const t = setup();
    t.session.signIn('anna');
    t.session.signOut('anna', 'revoked');
    expect(t.signedOut).toEqual([['anna', 'revoked']]);
    expect(t.session.visibleProfile).toBeNull();
  });
});

describe('workstation session: two profiles', () => {
  it('signing in a second person locks the first; each unlocks only with their own PIN', () => {
    const t = setup();
    t.session.signIn('anna');
    t.session.signIn('ben');
    expect(t.session.state('anna')).toBe('locked');
    expect(t.session.state('ben')).toBe('unlocked');
    expect(t.session.visibleProfile).toBe('ben');
    // Anna unlocks from the lock screen: Ben's screen is locked first.
    expect(t.session.submitPin('anna', true)).toEqual({ kind: 'unlocked' });
    expect(t.session.state('ben')).toBe('locked');
    expect(t.session.visibleProfile).toBe('anna');
  });

  it("one person's wrong PINs never sign out the other", () => {
    const t = setup();
    t.session.signIn('anna');
    t.session.signIn('ben');
    t.session.lock('hotkey');
    for (let i = 0; i < 5; i++) {
      const outcome = t.session.submitPin('anna', false);
      if (outcome.kind === 'wrong_pin') t.clock.advance(outcome.retryAt - t.clock.now());
    }
    expect(t.session.state('anna')).toBe('signed_out');
    expect(t.session.state('ben')).toBe('locked');
  });

  it('each profile has its own 12-hour limit', () => {
    const t = setup();
    t.session.signIn('anna');
    t.clock.advance(6 * 3_600_000);
    t.session.signIn('ben');
    t.clock.advance(6 * 3_600_000 + 10_000);
    expect(t.session.state('anna')).toBe('signed_out');
    expect(t.session.state('ben')).not.toBe('signed_out');
  });
});

describe('workstation session: rules the profile service relies on', () => {
  it('an OS unlock or resume never unlocks the app', () => {
    const t = setup();
    t.session.signIn('anna');
    t.os.emit('lock-screen');
    t.os.emit('unlock-screen');
    t.os.emit('resume');
    expect(t.session.state('anna')).toBe('locked');
  });

  it('the idle check runs every 5 seconds, so the lock comes at most 5 s after the limit', () => {
    const t = setup({ ...RULES, idleLockSeconds: 30 });
    t.session.signIn('anna');
    t.idle.seconds = 29;
    t.clock.advance(5_000);
    expect(t.session.state('anna')).toBe('unlocked');
    t.idle.seconds = 30;
    t.clock.advance(5_000);
    expect(t.session.state('anna')).toBe('locked');
  });

  it('pinGate refuses during the backoff before any PIN is verified, and counts nothing', () => {
    const t = setup();
    t.session.signIn('anna');
    t.session.lock('hotkey');
    for (let i = 0; i < 3; i++) t.session.submitPin('anna', false);
    const retryAt = t.clock.now() + pinBackoffSeconds(3) * 1000;
    expect(t.session.pinGate('anna')).toEqual({ kind: 'too_soon', retryAt });
    expect(t.session.signedIn()[0]!.wrongPins).toBe(3);
    t.clock.advance(2_000);
    expect(t.session.pinGate('anna')).toBeNull();
    expect(t.session.pinGate('nobody')).toEqual({ kind: 'not_signed_in' });
  });

  it('pinGate signs out a profile whose 12 hours are over', () => {
    const t = setup();
    t.session.signIn('anna');
    t.session.lock('hotkey');
    t.session.dispose();
    t.clock.advance(12 * 3_600_000);
    expect(t.session.pinGate('anna')).toEqual({ kind: 'signed_out', reason: 'session_expired' });
    expect(t.signedOut).toEqual([['anna', 'session_expired']]);
  });

  it('the passphrase is due 12 hours after it was entered; entering it again restarts the count', () => {
    const t = setup();
    const start = t.clock.now();
    t.session.signIn('anna');
    expect(t.session.passphraseDueAt('anna')).toBe(start + 12 * 3_600_000);
    t.clock.advance(11 * 3_600_000);
    t.session.lock('hotkey');
    t.session.signIn('anna'); // passphrase from the lock screen's "sign in" path
    t.clock.advance(2 * 3_600_000);
    expect(t.session.state('anna')).toBe('unlocked');
    expect(t.session.passphraseDueAt('anna')).toBe(start + 23 * 3_600_000);
    expect(t.session.passphraseDueAt('ben')).toBeNull();
  });
});
