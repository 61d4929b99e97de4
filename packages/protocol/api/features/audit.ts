// API of the audit log: every administrative action as the signed records show it, and its CSV export.
// Every admin.* method acts on the visible, unlocked profile (`locked` otherwise) and needs an admin device: the user
// is an active admin in the signed directory and this device holds the organisation key (`not_permitted` otherwise).
// Each change is a record signed by the organisation key, which the relay and every client verify, so hiding the
// buttons is not the protection. `relay_unreachable` when the relay did not take it.
// Merged into contract.ts; the names are in ./audit-names.ts.
import { z } from 'zod';
import { method, type MethodSpec } from '../define.ts';

/** Every input is an object, so methods can grow optional fields without breaking callers. */
const noInput = z.object({}).strict();
const time = z.number().int();

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

export const auditMethods = {
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
} satisfies Record<string, MethodSpec>;

export type AuditEntryView = z.output<typeof auditEntrySchema>;
