// Sign-in with the directory password (docs/security.md "Sign-in with the directory password"):
// a new workstation seals this request to the directory agent's delegated key (crypto_box_seal
// to the X25519 form of the Ed25519 key the org-signed delegation names), the relay forwards the
// sealed bytes to the agent's session, and the agent answers with an outcome. The relay sees
// neither the account name nor the password; it sees that an address asked, and the outcome.
import { z } from 'zod';
import { idSchema, publicKeySchema } from './records.ts';

/** Largest sealed request (base64url of the sealed box): a request is a few hundred bytes. */
export const MAX_SIGN_IN_SEALED_BYTES = 4096;
/** A request older (or newer) than this by the agent's clock is refused: a replay gets nowhere. */
export const SIGN_IN_MAX_AGE_MS = 5 * 60_000;

/** What the workstation seals to the agent. */
export const signInRequestSchema = z.strictObject({
  v: z.literal(1),
  /** The directory account name as staff type it (uid, sAMAccountName). */
  account: z.string().trim().min(1).max(256),
  password: z.string().min(1).max(1024),
  /** The new device: its id and public keys, which the agent certifies on success. */
  deviceId: idSchema,
  signingPublicKey: publicKeySchema,
  boxPublicKey: publicKeySchema,
  label: z.string().min(1).max(200),
  /** The workstation's clock when it sealed the request (ms). */
  at: z.number().int().nonnegative(),
});
export type SignInRequest = z.output<typeof signInRequestSchema>;

/**
 * Why a sign-in was refused. `wrong_credentials` covers an unknown account, a wrong password and
 * an account the directory locked, on purpose in one code: the answer must not tell which
 * account names exist. `account_disabled` and `not_in_group` come only after the password was
 * right. `not_enabled`: no delegation allows sign-in; `agent_offline`: the agent is not
 * connected to the relay or did not answer in time.
 */
export const SIGN_IN_REFUSALS = [
  'wrong_credentials',
  'account_disabled',
  'not_in_group',
  'rate_limited',
  'not_enabled',
  'agent_offline',
  'bad_request',
] as const;
export type SignInRefusal = (typeof SIGN_IN_REFUSALS)[number];

const signedRecord = z.record(z.string(), z.unknown());

export const signInOutcomeSchema = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    /**
     * The org root, the organisation's key rotations, the delegation, the user and the new
     * device's record (signed by the delegated key), in directory order: the workstation checks
     * the chain itself.
     */
    records: z.array(signedRecord).min(1).max(100),
  }),
  z.strictObject({
    ok: z.literal(false),
    code: z.enum(SIGN_IN_REFUSALS),
    /** rate_limited: seconds until the next attempt is accepted. */
    retryAfterSeconds: z.number().int().min(1).max(86_400).nullable(),
  }),
]);
export type SignInOutcome = z.output<typeof signInOutcomeSchema>;
