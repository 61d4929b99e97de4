// Organisation settings (a signed `org_settings` record, newest wins) combined with machine
// policy. Rule: where IT fixed a value by machine policy, the policy decides on that machine;
// otherwise the organisation's signed setting; otherwise the built-in default.
//
//   retention days:        RetentionDays policy > 0  >  org setting  >  0 (keep)
//   notification content:  NotificationContent policy (or the reception preset)  >  org setting  >  'sender'
//   read receipts:         org setting  >  off
//   history for new members (default of the channel setting): org setting  >  off
//   a role's previous holder keeps reading the role's conversations: org setting  >  off
//   roles whose holders may send broadcast alerts: org setting  >  none (admins only)
//   availability (status and cover): org setting  >  off
import type { RecordBody, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import type { EffectivePolicy } from '../policy/resolve.ts';
import type { OrgSettingsValues } from './admin.ts';

export const DEFAULT_ORG_SETTINGS: Required<OrgSettingsValues> = {
  retentionDays: 0,
  readReceipts: false,
  notificationContent: 'sender',
  historyForNewMembers: false,
  roleHistoryForPreviousHolders: false,
  alertSenderRoleIds: [],
  availability: false,
};

export type NotificationContentSetting = RecordBody<'org_settings'>['notificationContent'];

export interface EffectiveOrgSettings {
  /** What the organisation set (signed record), or the defaults. */
  org: Required<OrgSettingsValues>;
  /** What applies on this workstation after machine policy. */
  effective: Required<OrgSettingsValues>;
  /** Which values machine policy overrides on this workstation. */
  overriddenByPolicy: Array<'retentionDays' | 'notificationContent'>;
  /** When and by whom the organisation settings were last changed; null: never (defaults). */
  issuedAt: number | null;
  issuedBy: string | null;
}

export function orgSettingsValues(record: SignedRecord<'org_settings'> | null): Required<OrgSettingsValues> {
  if (!record) return { ...DEFAULT_ORG_SETTINGS };
  const { retentionDays, readReceipts, notificationContent, historyForNewMembers } = record.body;
  const roleHistoryForPreviousHolders = record.body.roleHistoryForPreviousHolders ?? false;
  const alertSenderRoleIds = record.body.alertSenderRoleIds ?? [];
  const availability = record.body.availability ?? false;
  return {
    retentionDays,
    readReceipts,
    notificationContent,
    historyForNewMembers,
    roleHistoryForPreviousHolders,
    alertSenderRoleIds,
    availability,
  };
}

/** Is the notification content decided by machine policy here (set, or the reception preset)? */
function policyFixesNotifications(policy: EffectivePolicy): boolean {
  return policy.managedBy.notificationContent !== undefined || policy.values.workstationPreset === 'reception';
}

export function effectiveRetentionDays(policy: EffectivePolicy, record: SignedRecord<'org_settings'> | null): number {
  return policy.values.retentionDays > 0 ? policy.values.retentionDays : orgSettingsValues(record).retentionDays;
}

export function effectiveNotificationContent(
  policy: EffectivePolicy,
  record: SignedRecord<'org_settings'> | null,
): NotificationContentSetting {
  return policyFixesNotifications(policy)
    ? (policy.values.notificationContent as NotificationContentSetting)
    : orgSettingsValues(record).notificationContent;
}

export function effectiveOrgSettings(
  policy: EffectivePolicy,
  record: SignedRecord<'org_settings'> | null,
): EffectiveOrgSettings {
  const org = orgSettingsValues(record);
  const overriddenByPolicy: EffectiveOrgSettings['overriddenByPolicy'] = [];
  if (policy.values.retentionDays > 0) overriddenByPolicy.push('retentionDays');
  if (policyFixesNotifications(policy)) overriddenByPolicy.push('notificationContent');
  return {
    org,
    effective: {
      ...org,
      retentionDays: effectiveRetentionDays(policy, record),
      notificationContent: effectiveNotificationContent(policy, record),
    },
    overriddenByPolicy,
    issuedAt: record?.body.issuedAt ?? null,
    issuedBy: record?.body.issuedBy ?? null,
  };
}
