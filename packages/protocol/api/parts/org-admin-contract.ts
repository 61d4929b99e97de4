// API part for organisation administration (issue 9): methods and events with their schemas and doc comments. Merged into
// contract.ts; the names are listed in ./org-admin-names.ts. Every admin.* method acts on the visible, unlocked profile
// (`locked` otherwise) and needs an admin device: the user is an active admin in the signed directory and this device holds
// the organisation key (`not_permitted` otherwise). Each change is a record signed by the organisation key, which the relay
// and every client verify, so hiding the buttons is not the protection. `relay_unreachable` when the relay did not take it.
import { z } from 'zod';
import { method, type EventSpec, type MethodSpec } from '../define.ts';
import { userId } from '../messaging-schemas.ts';

const done = z.object({ done: z.literal(true) });
const noInput = z.object({}).strict();
const recordId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'id');
const role = z.enum(['admin', 'member']);
const time = z.number().int();
const notificationContent = z.enum(['none', 'sender', 'full']);

export const adminUserSchema = z.object({
  userId,
  displayName: z.string(),
  role,
  ward: z.string().nullable(),
  active: z.boolean(),
  /** Devices with a certificate, and how many of them are not revoked. */
  deviceCount: z.number().int(),
  activeDeviceCount: z.number().int(),
  /** The signed-in user (who cannot demote or deactivate themselves). */
  self: z.boolean(),
  /** issuedAt of the user's current record. */
  changedAt: time,
});

export const updateUserInput = z.strictObject({
  userId,
  displayName: z.string().trim().min(2).max(200).optional(),
  role: role.optional(),
  ward: z.string().trim().max(100).nullable().optional(),
  active: z.boolean().optional(),
});

export const registrationKeySchema = z.object({
  enrolmentId: recordId,
  userId,
  userName: z.string(),
  issuedAt: time,
  expiresAt: time,
});

export const adminDeviceSchema = z.object({
  deviceId: recordId,
  userId,
  userName: z.string(),
  label: z.string(),
  /** issuedAt of the device certificate. */
  certifiedAt: time,
  expiresAt: time.nullable(),
  /** Registered with a registration key (else signed by the organisation, the first admin device). */
  enrolled: z.boolean(),
  revoked: z.boolean(),
  revokedAt: time.nullable(),
  /** The device's user is active in the signed directory (a deactivated user's devices are refused like revoked ones). */
  userActive: z.boolean(),
  wipeOrderedAt: time.nullable(),
  /** When the device executed the wipe, by its own signed confirmation (its clock); null = not confirmed yet. */
  wipeExecutedAt: time.nullable(),
  own: z.boolean(),
  /** When the relay last saw the device connect or disconnect (its clock); null = not since it records it, or unknown. */
  lastSeenAt: time.nullable(),
  /** Connected to the relay now. */
  online: z.boolean(),
  /** False when the relay could not be asked (offline, timeout): then lastSeenAt is null and online false, meaning "unknown". */
  lastSeenKnown: z.boolean(),
  /** The app version the device reported to the relay at its last connection; null = none reported (older app, not seen, or unknown). */
  appVersion: z.string().max(40).nullable(),
  /** The relay protocol version of its last connection; null = not seen since the relay records it, or unknown. */
  protocol: z.number().int().nullable(),
});

export const adminChannelSchema = z.object({
  channelId: recordId,
  kind: z.enum(['channel', 'conversation', 'direct']),
  /** Known only where this device is a member (names are encrypted); null otherwise. */
  name: z.string().nullable(),
  memberCount: z.number().int(),
  adminCount: z.number().int(),
  /** Messages stored on this device (a count, no content); null where this device is not a member. */
  messageCount: z.number().int().nullable(),
  /** Key epoch = number of roster changes. */
  epoch: z.number().int(),
  createdAt: time,
  historyForNewMembers: z.boolean(),
});

export const orgSettingsValuesSchema = z.strictObject({
  retentionDays: z.number().int().min(0).max(3650),
  readReceipts: z.boolean(),
  notificationContent,
  historyForNewMembers: z.boolean(),
});

export const orgSettingsSchema = z.object({
  /** What the organisation set (signed record), or the built-in defaults. */
  org: orgSettingsValuesSchema,
  /** What applies on this workstation, after machine policy. */
  effective: orgSettingsValuesSchema,
  overriddenByPolicy: z.array(z.enum(['retentionDays', 'notificationContent'])),
  issuedAt: time.nullable(),
  issuedByName: z.string().nullable(),
});

/** What an audit entry records, one per kind of signed record (apps/desktop/electron/core/account/audit.ts). */
export const AUDIT_ACTIONS = [
  'org_created',
  'user_added',
  'user_changed',
  'registration_key_created',
  'device_certified',
  'device_revoked',
  'user_revoked',
  'registration_key_revoked',
  'wipe_ordered',
  'wipe_executed',
  'settings_changed',
  'roster_signed',
  'delegation_granted',
  'delegation_revoked',
  'org_key_rotated',
] as const;
/** How the acting person was found (apps/desktop/electron/core/account/audit-actor.ts); see actorSource below. */
export const AUDIT_ACTOR_SOURCES = [
  'device',
  'enrolment',
  'named',
  'unknown_device',
  'unverified',
  'not_recorded',
] as const;

export const auditEntrySchema = z.object({
  pos: z.number().int(),
  action: z.enum(AUDIT_ACTIONS),
  type: z.string(),
  subjectId: z.string(),
  subjectName: z.string().nullable(),
  time,
  signerKind: z.enum(['org', 'device', 'enrolment', 'delegate']),
  signerId: z.string(),
  /** The record's fields as key=value text, for checking an entry against the directory. */
  detail: z.string(),
  /** The fields the view explains in sentences (packages/protocol/domain/audit-detail.ts). */
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /**
   * Who acted (apps/desktop/electron/core/account/audit-actor.ts): `device` when the acting device's stamp
   * verifies with its certificate's key, `enrolment` for a device its user registered with a
   * registration key, `named` when only the body names the person (org settings), otherwise why
   * nobody can be named (`unknown_device`, `unverified`, `not_recorded`).
   */
  actorSource: z.enum(AUDIT_ACTOR_SOURCES),
  /** The acting person's display name from the signed directory (device → user). */
  actorName: z.string().nullable(),
  actorUserId: z.string().nullable(),
  actorDeviceId: z.string().nullable(),
  actorDeviceLabel: z.string().nullable(),
});

export const managedPolicySchema = z.object({
  key: z.string(),
  /** Registry value name under Software\Policies\Klinikfunk. */
  valueName: z.string(),
  /** The policy's title as in the Group Policy templates. */
  label: z.object({ de: z.string(), en: z.string() }),
  source: z.enum(['HKLM', 'HKCU', 'file']),
  /** The value in effect, as text (a rejected value shows the default that applies instead). */
  value: z.string(),
  /** The source's value was rejected (wrong type or out of range): the default applies. */
  rejected: z.boolean(),
});

export const orgAdminMethods = {
  'admin.users': method({
    input: noInput,
    output: z.array(adminUserSchema),
    doc: 'Every user of the directory with role, ward, active flag and device counts, by name.',
  }),
  'admin.updateUser': method({
    input: updateUserInput,
    output: adminUserSchema,
    doc: 'Changes name, role (admin/member), ward or active of a user: a new signed user record with a later issuedAt. Deactivating cuts every device of the user off at the relay. Own role and own deactivation are `not_permitted` (another admin must do it); `not_found` for an unknown user.',
  }),
  'admin.registrationKeys': method({
    input: noInput,
    output: z.array(registrationKeySchema),
    doc: 'Open registration keys: signed enrolments not used by a device, not expired and not revoked, newest first. The keys themselves are never stored; only their ids.',
  }),
  'admin.revokeRegistrationKey': method({
    input: z.strictObject({ enrolmentId: recordId, reason: z.string().max(500).default('') }),
    output: done,
    doc: 'Revokes an open registration key (org-signed revocation of kind enrolment): relay and clients refuse a device enrolled with it. `not_found` when it is not open.',
  }),
  'admin.deviceList': method({
    input: noInput,
    output: z.array(adminDeviceSchema),
    doc: 'Every device with its user, certificate date, revocation and wipe order, when it was last online and which app and protocol version it reported on its last connection, as the relay reports it (devices_seen, admin devices only). When the relay does not answer within a few seconds the list still comes, with `lastSeenKnown: false`.',
  }),
  'admin.channels': method({
    input: noInput,
    output: z.array(adminChannelSchema),
    doc: 'Every channel of the directory from its signed roster: kind, member count, epoch. Name and message count only where this device is a member; no content is read.',
  }),
  'admin.setOrgSettings': method({
    input: orgSettingsValuesSchema,
    output: orgSettingsSchema,
    doc: 'Sets the organisation settings (retention days, read receipts, notification content, history for new members) as a signed org_settings record. Machine policy still wins on workstations where IT set it.',
  }),
  'admin.auditLog': method({
    input: noInput,
    output: z.array(auditEntrySchema),
    doc: 'Every administrative action as the signed records show it (type, subject, time, signer, and the admin who acted with their device), newest first.',
  }),
  'admin.exportAuditCsv': method({
    input: z.strictObject({ language: z.enum(['de', 'en']).default('de') }),
    output: z.object({ fileName: z.string(), csv: z.string() }),
    doc: 'The audit log as CSV (semicolon separated, UTF-8 with BOM, formula cells neutralised) for a spreadsheet.',
  }),
  'admin.exportOrgKey': method({
    input: z.strictObject({ passphrase: z.string().min(12).max(1024) }),
    output: z.object({ fileName: z.string(), content: z.string() }),
    doc: 'The organisation key as a backup file sealed with the passphrase (Argon2id, XChaCha20-Poly1305), for a second admin device or for recovery. Shown once; never stored by the app.',
  }),
  'admin.importOrgKey': method({
    input: z.strictObject({ content: z.string().max(20_000), passphrase: z.string().min(1).max(1024) }),
    output: done,
    doc: 'Imports an organisation key backup on this device, which then becomes an admin device. Only for a user with the admin role in the signed directory (`not_permitted` otherwise, and for a backup of another organisation); `wrong_passphrase` for a wrong passphrase; `invalid_input` for a damaged file.',
  }),
  'org.settings': method({
    input: noInput,
    output: orgSettingsSchema,
    doc: 'The organisation settings and what applies on this workstation after machine policy. For every member.',
  }),
  'policy.managed': method({
    input: noInput,
    output: z.array(managedPolicySchema),
    doc: 'The settings machine policy fixes on this workstation, with source and value (shown locked, "Von Ihrer Organisation verwaltet"). Always available.',
  }),
} satisfies Record<string, MethodSpec>;

export const orgAdminEvents = {} satisfies Record<string, EventSpec>;

export type AdminUser = z.output<typeof adminUserSchema>;
export type RegistrationKeyView = z.output<typeof registrationKeySchema>;
export type AdminDevice = z.output<typeof adminDeviceSchema>;
export type AdminChannel = z.output<typeof adminChannelSchema>;
export type OrgSettingsView = z.output<typeof orgSettingsSchema>;
export type AuditEntryView = z.output<typeof auditEntrySchema>;
export type ManagedPolicyView = z.output<typeof managedPolicySchema>;
