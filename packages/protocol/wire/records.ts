// Signed records: everything that grants trust (the organisation, users, devices, enrolments,
// revocations, channel rosters, wipe orders and their confirmations, organisation settings). Each is canonical JSON (canonical.ts) signed with
// Ed25519 over a per-type context string, so a signature for one kind of record can never be
// replayed as another. Schemas are strict: unknown fields are refused.
import { z } from 'zod';
import { isBase64Url } from './bytes.ts';

export const RECORD_VERSION = 1;

/** Canonical base64url (bytes.ts): a key or signature has one spelling, the one its signer wrote. */
const b64 = (bytes?: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'base64url')
    .refine(isBase64Url, 'canonical base64url')
    .refine(
      (s) => bytes === undefined || Math.floor((s.length * 3) / 4) === bytes,
      bytes === undefined ? 'base64url' : `must encode ${bytes} bytes`,
    );

export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'id: 8-64 base64url characters');
export const publicKeySchema = b64(32);
export const signatureSchema = b64(64);
const time = z.number().int().nonnegative();

export const orgRootBody = z.strictObject({
  orgId: idSchema,
  name: z.string().min(1).max(200),
  orgPublicKey: publicKeySchema,
  createdAt: time,
});

export const userBody = z.strictObject({
  orgId: idSchema,
  userId: idSchema,
  displayName: z.string().min(1).max(200),
  role: z.enum(['admin', 'member']),
  ward: z.string().max(200).nullable(),
  active: z.boolean(),
  issuedAt: time,
});

export const enrolmentBody = z.strictObject({
  orgId: idSchema,
  userId: idSchema,
  enrolmentId: idSchema,
  enrolmentPublicKey: publicKeySchema,
  expiresAt: time,
  issuedAt: time,
});

export const deviceBody = z.strictObject({
  orgId: idSchema,
  userId: idSchema,
  deviceId: idSchema,
  signingPublicKey: publicKeySchema,
  boxPublicKey: publicKeySchema,
  label: z.string().max(200),
  /** Set when the device enrolled with a registration key (then the enrolment key signs). */
  enrolmentId: idSchema.nullable(),
  issuedAt: time,
  /** Optional end of validity; the device must be re-enrolled after it. */
  expiresAt: time.nullable(),
});

export const revocationBody = z.strictObject({
  orgId: idSchema,
  target: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('device'), deviceId: idSchema }),
    z.strictObject({ kind: z.literal('user'), userId: idSchema }),
    z.strictObject({ kind: z.literal('enrolment'), enrolmentId: idSchema }),
  ]),
  reason: z.string().max(500),
  revokedAt: time,
});

export const rosterBody = z.strictObject({
  orgId: idSchema,
  channelId: idSchema,
  epoch: z.number().int().min(1).max(0xffffffff),
  /** base64url BLAKE2b-256 of the previous roster record's signed bytes; null for epoch 1. */
  prevHash: b64(32).nullable(),
  kind: z.enum(['channel', 'conversation', 'direct']),
  members: z
    .array(z.strictObject({ userId: idSchema, role: z.enum(['admin', 'member']) }))
    .min(1)
    .max(5000),
  historyForNewMembers: z.boolean(),
  issuedAt: time,
});

export const wipeBody = z.strictObject({
  orgId: idSchema,
  orderId: idSchema,
  targetDeviceId: idSchema,
  issuedAt: time,
});

/**
 * A wiped device's confirmation that it executed a wipe order: signed with that device's own key
 * right before it deletes its keys (the relay, which never holds a device key, cannot forge it).
 * Valid only from the order's target device and only for an order in the directory, once.
 */
export const wipeDoneBody = z.strictObject({
  orgId: idSchema,
  orderId: idSchema,
  deviceId: idSchema,
  executedAt: time,
});

/**
 * Organisation-wide settings an admin sets for every workstation. The newest by issuedAt wins;
 * machine policy (RetentionDays > 0, NotificationContent) still decides where IT has set it.
 */
export const orgSettingsBody = z.strictObject({
  orgId: idSchema,
  /** Messages and files older than this are deleted on every device; 0 = keep. */
  retentionDays: z.number().int().min(0).max(3650),
  /** Whether devices send and show read receipts. */
  readReceipts: z.boolean(),
  /** What operating-system notifications show, unless machine policy fixes it. */
  notificationContent: z.enum(['none', 'sender', 'full']),
  /** Default of the channel setting "new members read the history". */
  historyForNewMembers: z.boolean(),
  /**
   * Whether a function role's previous holder keeps reading what reached the role while they held
   * it (conversations with a role, after a handover). Absent in records from before it existed:
   * off, the previous holder's devices delete those conversations.
   */
  roleHistoryForPreviousHolders: z.boolean().optional(),
  /**
   * The function roles whose holders may send broadcast alerts (besides admins, and department
   * admins for their departments). Absent in records from before it existed: none.
   */
  alertSenderRoleIds: z.array(idSchema).max(50).optional(),
  /**
   * Whether staff may set and see availability ("im Dienst", "nicht stören" with a cover,
   * "abwesend bis …"). Absent in records from before it existed: off, as the TI-Messenger rules
   * keep presence off unless the organisation switches it on.
   */
  availability: z.boolean().optional(),
  /** The admin user who changed the settings (the org key alone does not say which admin). */
  issuedBy: idSchema,
  issuedAt: time,
});

/**
 * What a delegated key may administer: the users of the named departments (the user record's
 * `ward`), or every user who is not an admin. Admins are outside every scope.
 */
export const delegationScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('departments'),
    departments: z.array(z.string().min(1).max(200)).min(1).max(100),
  }),
  z.strictObject({ kind: z.literal('all_members') }),
]);

/**
 * Org-signed grant: the holder's key may create, change and deactivate users and enrol and revoke
 * their devices within `scope`, for records it signs until `expiresAt`, unless a
 * delegation_revocation comes first in the directory's order. The holder is a device (a department
 * admin signs with that device's key, valid while the device is) or a bare key (the directory
 * agent). Only the org key signs one: a delegated key cannot delegate further.
 */
export const delegationBody = z.strictObject({
  orgId: idSchema,
  delegationId: idSchema,
  holder: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('device'), deviceId: idSchema }),
    z.strictObject({ kind: z.literal('key'), publicKey: publicKeySchema }),
  ]),
  label: z.string().min(1).max(200),
  scope: delegationScopeSchema,
  expiresAt: time,
  issuedAt: time,
  /**
   * A key holder (the directory agent) may also enrol workstations whose user signs in with the
   * directory account's password (docs/security.md "Sign-in with the directory password"). Absent
   * or false: off, the registration letter is the only way in.
   */
  signIn: z.boolean().optional(),
});

/** Ends a delegation: records its key signs after this one (in directory order) are refused. */
export const delegationRevocationBody = z.strictObject({
  orgId: idSchema,
  delegationId: idSchema,
  reason: z.string().max(500),
  revokedAt: time,
});

/**
 * A new organisation key, announced with the current one's signature. The organisation id (and
 * with it the pinned fingerprint) stays the first key's; from this record on only the new key
 * signs as the organisation.
 */
export const orgRotationBody = z.strictObject({
  orgId: idSchema,
  previousOrgPublicKey: publicKeySchema,
  newOrgPublicKey: publicKeySchema,
  issuedAt: time,
});

export const RECORD_BODIES = {
  org_root: orgRootBody,
  user: userBody,
  enrolment: enrolmentBody,
  device: deviceBody,
  revocation: revocationBody,
  roster: rosterBody,
  wipe: wipeBody,
  wipe_done: wipeDoneBody,
  org_settings: orgSettingsBody,
  delegation: delegationBody,
  delegation_revocation: delegationRevocationBody,
  org_rotation: orgRotationBody,
} as const;

export type RecordType = keyof typeof RECORD_BODIES;
export type RecordBody<T extends RecordType> = z.output<(typeof RECORD_BODIES)[T]>;

export const signerSchema = z.strictObject({
  /**
   * org: the organisation key; device: a device's signing key; enrolment: a registration key's;
   * delegate: the key a delegation record names.
   */
  kind: z.enum(['org', 'device', 'enrolment', 'delegate']),
  /** deviceId for device, enrolmentId for enrolment, orgId for org, delegationId for delegate. */
  id: idSchema,
});

/**
 * Which admin device made an org-signed record: all admin devices share the org key, so its
 * signature alone cannot say. The device signs the record's signed bytes and signature with its
 * own key (crypto/records.ts `stampActor`). The stamp is outside the org signature: a relay can
 * drop it (the audit log then says "not recorded") but cannot forge another device's.
 */
export const actorSchema = z.strictObject({ deviceId: idSchema, sig: signatureSchema });

export const signedRecordSchema = z.strictObject({
  v: z.number().int(),
  type: z.enum(Object.keys(RECORD_BODIES) as [RecordType, ...RecordType[]]),
  body: z.record(z.string(), z.unknown()),
  signer: signerSchema,
  sig: signatureSchema,
  actor: actorSchema.optional(),
});

export type SignedRecord<T extends RecordType = RecordType> = {
  v: number;
  type: T;
  body: RecordBody<T>;
  signer: z.output<typeof signerSchema>;
  sig: string;
  actor?: z.output<typeof actorSchema>;
};

export type SignerKind = z.output<typeof signerSchema>['kind'];

/** Which signers may sign which record (checked before the signature itself). */
export const ALLOWED_SIGNERS: Record<RecordType, ReadonlyArray<SignerKind>> = {
  org_root: ['org'],
  user: ['org', 'delegate'],
  enrolment: ['org', 'delegate'],
  device: ['org', 'enrolment', 'delegate'],
  revocation: ['org', 'delegate'],
  roster: ['org', 'device'],
  wipe: ['org'],
  wipe_done: ['device'],
  org_settings: ['org'],
  delegation: ['org'],
  delegation_revocation: ['org'],
  org_rotation: ['org'],
};

export const recordContext = (type: RecordType) => `klinikfunk/v${RECORD_VERSION}/record/${type}`;
export const actorContext = (type: RecordType) => `klinikfunk/v${RECORD_VERSION}/record-actor/${type}`;
