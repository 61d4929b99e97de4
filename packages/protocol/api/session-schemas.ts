// Schemas of the session part of the API: profiles on this workstation, first run (create or join
// an organisation), sign-in, lock and PIN. Nothing here carries message content.
import { z } from 'zod';

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

export const orgCreateInput = z.strictObject({
  orgName: z.string().trim().min(2).max(200),
  displayName: z.string().trim().min(2).max(200),
  relayUrl,
  /** The one-time setup code the relay wrote to its data folder (bootstrap-code). */
  setupCode: z.string().trim().min(16).max(64),
  passphrase: passphrase.min(10),
});

export const orgJoinInput = z.strictObject({
  registrationKey: z.string().min(1).max(200),
  relayUrl,
  passphrase: passphrase.min(10),
});

export const registrationKeyProblem = z.enum(['wrong_length', 'invalid_character', 'checksum']);

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

export const connectionSchema = z.object({
  state: z.enum(['online', 'connecting', 'offline']),
  /** Channels still catching up; 0 when in sync. */
  syncingChannels: z.number().int().nonnegative(),
  /** Sends waiting in the outbox. */
  pendingSends: z.number().int().nonnegative(),
  /** When the next reconnect attempt is due (UTC ms), for "reconnecting in 8 s". */
  nextRetryAt: z.number().int().nullable(),
  /**
   * relay_version: the relay speaks another protocol version; IT must update one side.
   * relay_untrusted: the relay's certificate is from a CA this PC does not trust (policy RelayCaCertificates).
   * proxy_refused / proxy_auth / proxy_unreachable: the proxy refused the connection, wants credentials, is not reachable.
   */
  problem: z.enum(['relay_version', 'relay_untrusted', 'proxy_refused', 'proxy_auth', 'proxy_unreachable']).nullable(),
  /** Since when the relay is out of reach, once that lasted long enough for a banner (about 20 s); null otherwise. */
  outageSince: z.number().int().nullable(),
  /** Urgent messages of this user still in the outbox (not delivered to the relay yet). */
  pendingUrgent: z.number().int().nonnegative(),
});

export type ProfileSummaryView = z.output<typeof profileSummarySchema>;
export type Me = z.output<typeof meSchema>;
export type ConnectionView = z.output<typeof connectionSchema>;
export type UnlockOutcome = z.output<typeof unlockOutcomeSchema>;
