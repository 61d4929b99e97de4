// API of sign-in and the screen lock: the profiles on this workstation, sign-in with the passphrase, lock and
// unlock with the PIN, the signed-in user. Nothing here carries message content. Merged into contract.ts;
// the names are in ./session-names.ts.
import { z } from 'zod';
import { event, method, type EventSpec, type MethodSpec } from '../define.ts';

/** Every input is an object, so methods can grow optional fields without breaking callers. */
const noInput = z.object({}).strict();
const done = z.object({ done: z.literal(true) });
const pin = z.string().regex(/^\d{4,12}$/, 'PIN: 4 to 12 digits');

export const profileId = z.string().regex(/^[0-9a-f-]{36}$/, 'profile id');

export const passphrase = z.string().min(1).max(1024);

export const relayUrl = z
  .string()
  .max(2000)
  .regex(/^wss?:\/\/[^\s/]+(\/[^\s]*)?$/, 'relay address: wss://host[:port]');

export const sessionState = z.enum(['no_profiles', 'signed_out', 'unlocked', 'locked']);

export const profileSummarySchema = z.object({
  profileId,
  displayName: z.string(),
  orgName: z.string().nullable(),
  /** The passphrase was entered and the key is in main-process memory (the profile keeps syncing). */
  signedIn: z.boolean(),
  locked: z.boolean(),
  /**
   * The relay refused this profile's device for good, and when: `revoked` (the device) or
   * `deactivated` (its user); cleared when it is accepted again. Or IT changed the relay address
   * (policy RelayUrl) to `url`: `relay_moved` (the profile uses it now) or `relay_move_refused`
   * (that relay is not this organisation's; the profile stays where it was) or `relay_move_blocked`
   * (this workstation's network does not let it reach that relay: its certificate is not trusted
   * here, or the proxy refused; the profile stays where it was); cleared at the next
   * sign-in. Shown on this profile's tile only (and, for the signed-in profile, in the app).
   */
  notice: z
    .object({
      reason: z.enum(['revoked', 'deactivated', 'relay_moved', 'relay_move_refused', 'relay_move_blocked']),
      at: z.number().int(),
      url: relayUrl.optional(),
    })
    .nullable(),
  /** The relay this profile uses (no secret), offered when another profile is set up; null before its first sign-in here. */
  relayUrl: relayUrl.nullable(),
});

export const sessionStatusSchema = z.object({
  state: sessionState,
  /** Profiles on this workstation (display names only; never content). */
  profileCount: z.number().int().nonnegative(),
  /** The visible profile, or null when none is signed in or the lock screen is up. */
  activeProfileId: profileId.nullable(),
  profiles: z.array(profileSummarySchema),
  /** The visible profile still has to choose a PIN (first sign-in on this workstation). */
  pinRequired: z.boolean(),
  /**
   * Why the last profile was signed out, for the sign-in screen's explanation. `relay_refused`: the
   * relay refused the device's authentication for good (not a revocation).
   */
  lastSignOutReason: z
    .enum(['user', 'too_many_pins', 'session_expired', 'admin', 'revoked', 'app_exit', 'wiped', 'relay_refused'])
    .nullable(),
});

export const unlockOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('unlocked') }),
  z.object({ kind: z.literal('wrong_pin'), attemptsLeft: z.number().int(), retryAt: z.number().int() }),
  z.object({ kind: z.literal('too_soon'), retryAt: z.number().int() }),
  z.object({ kind: z.literal('signed_out') }),
]);

export const meSchema = z.object({
  profileId,
  userId: z.string(),
  deviceId: z.string(),
  displayName: z.string(),
  role: z.enum(['admin', 'member']),
  ward: z.string().nullable(),
  orgId: z.string(),
  orgName: z.string(),
  relayUrl: z.string(),
  /** This device holds the organisation key (admin devices only). */
  holdsOrgKey: z.boolean(),
});

export const sessionMethods = {
  'session.status': method({
    input: noInput,
    output: sessionStatusSchema,
    doc: 'Whether a profile is signed in, locked or none exists yet, and the profiles on this workstation by display name. Always available; reveals no content.',
  }),
  'session.signIn': method({
    input: z.strictObject({ profileId, passphrase }),
    output: sessionStatusSchema,
    doc: 'Opens a profile with its passphrase and makes it the visible one. `wrong_passphrase` for a wrong passphrase (counted per profile on disk); `too_many_attempts` while the backoff after wrong passphrases runs (checked before any Argon2id); `secure_store_unavailable` when the key is sealed by the OS secure store of another Windows account or PC. Works offline (local data).',
  }),
  'session.signOut': method({
    input: noInput,
    output: sessionStatusSchema,
    doc: 'Signs the visible profile out: stops its sync and purges its key from memory.',
  }),
  'session.lock': method({
    input: noInput,
    output: sessionStatusSchema,
    doc: 'Locks the screen (hotkey Ctrl+L or the lock button). Sync continues; the screen shows no content.',
  }),
  'session.unlock': method({
    input: z.strictObject({ profileId, pin }),
    output: unlockOutcomeSchema,
    doc: 'Unlocks a signed-in profile with its PIN. After too many wrong PINs the profile is signed out and needs its passphrase.',
  }),
  'session.setPin': method({
    input: z.strictObject({ pin }),
    output: done,
    doc: 'Sets the PIN of the visible profile (first sign-in). `invalid_input` for a PIN that is too short or trivial.',
  }),
  'session.me': method({
    input: noInput,
    output: meSchema,
    doc: 'The signed-in user of the visible profile: name, role, ward, organisation.',
  }),
} satisfies Record<string, MethodSpec>;

export const sessionEvents = {
  'session.changed': event({
    payload: sessionStatusSchema,
    doc: 'The session state changed (signed in, locked, unlocked, signed out).',
  }),
} satisfies Record<string, EventSpec>;

export type ProfileSummaryView = z.output<typeof profileSummarySchema>;
export type Me = z.output<typeof meSchema>;
export type UnlockOutcome = z.output<typeof unlockOutcomeSchema>;
export type SessionStatus = z.output<typeof sessionStatusSchema>;
