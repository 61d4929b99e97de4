// API of the organisation settings (retention, read receipts, notification content, history for new members)
// and of the settings machine policy fixes on this workstation. Setting them needs an admin device (see
// users-admin.ts); reading them is for everyone. Merged into contract.ts; the names are in ./org-settings-names.ts.
import { z } from 'zod';
import { method, type MethodSpec } from '../define.ts';

/** Every input is an object, so methods can grow optional fields without breaking callers. */
const noInput = z.object({}).strict();
const time = z.number().int();
const notificationContent = z.enum(['none', 'sender', 'full']);

export const orgSettingsValuesSchema = z.strictObject({
  retentionDays: z.number().int().min(0).max(3650),
  readReceipts: z.boolean(),
  notificationContent,
  historyForNewMembers: z.boolean(),
  /** A function role's previous holder keeps reading the role's conversations up to the handover. */
  roleHistoryForPreviousHolders: z.boolean().default(false),
  /** The function roles whose holders may send broadcast alerts too (admins always may). */
  alertSenderRoleIds: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{8,64}$/))
    .max(50)
    .default([]),
  /** Staff may set and see availability (im Dienst, nicht stören with a cover, abwesend bis …). */
  availability: z.boolean().default(false),
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

export const orgSettingsMethods = {
  'admin.setOrgSettings': method({
    input: orgSettingsValuesSchema,
    output: orgSettingsSchema,
    doc: 'Sets the organisation settings (retention days, read receipts, notification content, history for new members) as a signed org_settings record. Machine policy still wins on workstations where IT set it.',
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

export type OrgSettingsView = z.output<typeof orgSettingsSchema>;
export type ManagedPolicyView = z.output<typeof managedPolicySchema>;
