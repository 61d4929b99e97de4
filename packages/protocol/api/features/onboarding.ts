// API of the first run: create a new organisation, or join one with a registration key. Each makes a profile
// on this workstation and signs it in. Merged into contract.ts; the names are in ./onboarding-names.ts.
import { z } from 'zod';
import { method, type MethodSpec } from '../define.ts';
import { passphrase, profileId, relayUrl } from './session.ts';

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
} satisfies Record<string, MethodSpec>;
