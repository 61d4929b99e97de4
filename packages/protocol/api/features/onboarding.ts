// API of the first run: create a new organisation, or join one with a registration key. Each makes a profile
// on this workstation and signs it in. Merged into contract.ts; the names are in ./onboarding-names.ts.
import { z } from 'zod';
import { method, type MethodSpec } from '../define.ts';
import { passphrase, profileId, relayUrl } from './session.ts';
import { SIGN_IN_REFUSALS } from '../../wire/directory-sign-in.ts';

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

export const orgJoinDirectoryInput = z.strictObject({
  /** The directory account name (Windows/AD sign-in name, uid). */
  account: z.string().trim().min(1).max(256),
  /** The directory password: sealed to the directory agent, never stored or logged. */
  password: z.string().min(1).max(1024),
  relayUrl,
  passphrase: passphrase.min(10),
});

export const registrationKeyProblem = z.enum(['wrong_length', 'invalid_character', 'checksum']);

export const onboardingMethods = {
  'org.create': method({
    input: orgCreateInput,
    output: z.object({ profileId }),
    doc: 'First run of a new organisation: makes the organisation key, the first admin and this device, binds the relay with its setup code and signs in. Fails with `unavailable` when the relay is unreachable or already bound.',
  }),
  'org.checkRegistrationKey': method({
    input: z.strictObject({ registrationKey: z.string().max(200) }),
    output: z.object({ valid: z.boolean(), problem: registrationKeyProblem.nullable() }),
    doc: 'Checks a typed registration key for typing errors (length, characters, checksum) locally; nothing is sent.',
  }),
  'org.join': method({
    input: orgJoinInput,
    output: z.object({ profileId, displayName: z.string() }),
    doc: 'Joins an organisation with a registration key: enrols this device for the user the key was made for, creates the profile and signs in. `invalid_input` for a mistyped key, `not_found` for an unknown, used or expired key, `unavailable` when the relay is unreachable.',
  }),
  'org.joinWithDirectory': method({
    input: orgJoinDirectoryInput,
    output: z.discriminatedUnion('status', [
      z.object({ status: z.literal('joined'), profileId, displayName: z.string() }),
      z.object({
        status: z.literal('refused'),
        reason: z.enum(SIGN_IN_REFUSALS),
        retryAfterSeconds: z.number().int().nullable(),
      }),
    ]),
    doc: 'Joins an organisation with the directory account and password, where IT switched it on (a delegation with signIn): the directory agent checks the password by an LDAP bind and enrols this device; then the profile is created and signed in. A refusal is an answer (`refused` with the reason: wrong_credentials for an unknown account, a wrong password or a locked account alike; account_disabled, not_in_group, rate_limited with retryAfterSeconds, not_enabled, agent_offline). `relay_unreachable` and the network codes when the relay cannot be reached; `not_permitted` for a relay of another organisation than the pinned one.',
  }),
} satisfies Record<string, MethodSpec>;
