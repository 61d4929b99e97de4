// The audit log of administration: every org-signed record in the local directory copy (users,
// registration keys, revocations, wipe orders, settings), every device certificate and every
// wipe confirmation (signed by the wiped device), newest
// first. Each entry is a verified signed record, so the log cannot hold an action the org key did
// not sign, and names the admin who acted (audit-actor.ts). Channel rosters signed by members'
// devices are not admin actions and stay out. The CSV export is audit-csv.ts.
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { AuditEntryView } from '@klinikfunk/protocol/api/features/audit.ts';
import type { AuditFacts } from '@klinikfunk/protocol/domain/audit-detail.ts';
import { actorOf, knownDevices, type DelegateHolder } from './audit-actor.ts';

/** One entry as the admin view gets it: the contract's schema is the one definition. */
export type AuditEntry = AuditEntryView;
export type AuditAction = AuditEntry['action'];

type Body = Record<string, unknown>;

function subjectOf(record: SignedRecord): string {
  const body = record.body as Body;
  if (record.type === 'revocation') {
    const target = body.target as Record<string, string>;
    return target.deviceId ?? target.userId ?? target.enrolmentId ?? '';
  }
  if (record.type === 'wipe') return String(body.targetDeviceId);
  for (const key of ['deviceId', 'enrolmentId', 'userId', 'channelId', 'delegationId', 'orgId'])
    if (typeof body[key] === 'string') return body[key];
  return '';
}

function timeOf(body: Body): number {
  return Number(body.issuedAt ?? body.revokedAt ?? body.createdAt ?? body.executedAt ?? 0);
}

function actionOf(record: SignedRecord, seenUsers: Set<string>): AuditAction | null {
  const body = record.body as Body;
  switch (record.type) {
    case 'org_root':
      return 'org_created';
    case 'user': {
      const first = !seenUsers.has(String(body.userId));
      seenUsers.add(String(body.userId));
      return first ? 'user_added' : 'user_changed';
    }
    case 'enrolment':
      return 'registration_key_created';
    case 'device':
      return 'device_certified';
    case 'revocation': {
      const kind = (body.target as { kind: string }).kind;
      return kind === 'device' ? 'device_revoked' : kind === 'user' ? 'user_revoked' : 'registration_key_revoked';
    }
    case 'wipe':
      return 'wipe_ordered';
    case 'wipe_done':
      return 'wipe_executed';
    case 'org_settings':
      return 'settings_changed';
    case 'roster':
      return record.signer.kind === 'org' ? 'roster_signed' : null;
    case 'delegation':
      return 'delegation_granted';
    case 'delegation_revocation':
      return 'delegation_revoked';
    case 'org_rotation':
      return 'org_key_rotated';
    default:
      return null;
  }
}

function detailOf(record: SignedRecord): string {
  const body = record.body as Body;
  switch (record.type) {
    case 'org_root':
      return `name=${String(body.name)}`;
    case 'user':
      return `name=${String(body.displayName)}; role=${String(body.role)}; ward=${body.ward === null ? '' : String(body.ward)}; active=${String(body.active)}`;
    case 'enrolment':
      return `user=${String(body.userId)}; expiresAt=${new Date(Number(body.expiresAt)).toISOString()}`;
    case 'device':
      return `user=${String(body.userId)}; label=${String(body.label)}`;
    case 'revocation':
      return `reason=${String(body.reason)}`;
    case 'wipe':
    case 'wipe_done':
      return `order=${String(body.orderId)}`;
    case 'org_settings':
      return `retentionDays=${String(body.retentionDays)}; readReceipts=${String(body.readReceipts)}; notificationContent=${String(body.notificationContent)}; historyForNewMembers=${String(body.historyForNewMembers)}; roleHistoryForPreviousHolders=${String(body.roleHistoryForPreviousHolders ?? false)}; alertSenderRoleIds=${Array.isArray(body.alertSenderRoleIds) ? body.alertSenderRoleIds.join(',') : ''}; availability=${String(body.availability ?? false)}`;
    case 'roster':
      // The subject column names the channel; members and roles are in the record itself.
      return '';
    case 'delegation': {
      const scope = body.scope as { kind: string; departments?: string[] };
      const holder = body.holder as { kind: string; deviceId?: string };
      return `label=${String(body.label)}; holder=${holder.kind === 'device' ? `device:${String(holder.deviceId)}` : 'key'}; scope=${scope.kind === 'departments' ? (scope.departments ?? []).join('|') : 'all_members'}; expiresAt=${new Date(Number(body.expiresAt)).toISOString()}`;
    }
    case 'delegation_revocation':
      return `reason=${String(body.reason)}`;
    case 'org_rotation':
      return `newKey=${String(body.newOrgPublicKey)}`;
    default: {
      const _unhandled: never = record.type;
      return '';
    }
  }
}

const FACT_FIELDS: Partial<Record<SignedRecord['type'], Array<[string, string]>>> = {
  org_root: [['name', 'name']],
  user: [
    ['name', 'displayName'],
    ['role', 'role'],
    ['ward', 'ward'],
    ['active', 'active'],
  ],
  enrolment: [
    ['userId', 'userId'],
    ['expiresAt', 'expiresAt'],
  ],
  device: [
    ['userId', 'userId'],
    ['label', 'label'],
  ],
  revocation: [['reason', 'reason']],
  delegation: [
    ['label', 'label'],
    ['expiresAt', 'expiresAt'],
  ],
  delegation_revocation: [['reason', 'reason']],
  wipe: [['orderId', 'orderId']],
  wipe_done: [['orderId', 'orderId']],
  org_settings: [
    ['retentionDays', 'retentionDays'],
    ['readReceipts', 'readReceipts'],
    ['notificationContent', 'notificationContent'],
    ['historyForNewMembers', 'historyForNewMembers'],
  ],
};

/** The fields the view and the CSV explain in sentences (packages/protocol/domain/audit-detail.ts). */
export function factsOf(record: SignedRecord): AuditFacts {
  const body = record.body as Body;
  const facts: AuditFacts = {};
  for (const [name, field] of FACT_FIELDS[record.type] ?? []) {
    const value = body[field];
    facts[name] = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
  }
  return facts;
}

interface Names {
  userNames: Map<string, string>;
  deviceLabels: Map<string, string>;
  channelNames: Map<string, string>;
  enrolmentUsers: Map<string, string>;
  orgName: string | null;
}

/** A readable subject: the user, the device with its user, the channel or the organisation. */
function subjectNameOf(record: SignedRecord, subjectId: string, names: Names): string | null {
  const body = record.body as Body;
  const user = (id: unknown) => names.userNames.get(String(id)) ?? null;
  switch (record.type) {
    case 'org_root':
    case 'org_settings':
      return names.orgName ?? (typeof body.name === 'string' ? body.name : null);
    case 'enrolment':
      return user(body.userId);
    case 'device': {
      const owner = user(body.userId);
      return owner ? `${String(body.label)} (${owner})` : String(body.label);
    }
    case 'revocation': {
      const target = body.target as { kind: string };
      if (target.kind === 'enrolment') return user(names.enrolmentUsers.get(subjectId));
      if (target.kind === 'user') return user(subjectId);
      return names.deviceLabels.get(subjectId) ?? null;
    }
    case 'wipe':
    case 'wipe_done':
      return names.deviceLabels.get(subjectId) ?? null;
    case 'roster':
      return names.channelNames.get(subjectId) ?? null;
    case 'delegation':
      return String(body.label);
    case 'delegation_revocation':
    case 'org_rotation':
      return null;
    case 'user':
      return user(subjectId);
    default: {
      const _unhandled: never = record.type;
      return user(subjectId) ?? names.deviceLabels.get(subjectId) ?? null;
    }
  }
}

/** Every admin action in the local directory, newest first (a record kept twice counts once). */
export async function auditEntries(store: ProfileStore): Promise<AuditEntry[]> {
  const rows = await store.directory.records();
  const userNames = await store.directory.displayNames();
  const deviceLabels = await store.directory.deviceLabels();
  const channelNames = await store.channels.names();
  const enrolmentUsers = new Map<string, string>();
  const delegations = new Map<string, DelegateHolder>();
  let orgName: string | null = null;
  const seenSignatures = new Set<string>();
  const seenUsers = new Set<string>();
  const entries: AuditEntry[] = [];
  const records = rows.map((row) => ({ pos: row.recordPk, record: JSON.parse(row.record) as SignedRecord }));
  // All certificates first: the org root and the first admin's user come before its device's.
  const devices = knownDevices(records.map((r) => r.record));
  // Admin roles as the log goes: a stamp counts only from a user who is an admin by then (the
  // record itself included, so the first admin's own user record at org creation names them).
  // The org's first records (org root, rosters) come before the first admin's own user record, so
  // a user not yet seen counts by their first user record.
  const roles = new Map<string, { role: unknown; active: unknown; issuedAt: number }>();
  const firstRole = new Map<string, unknown>();
  for (const { record } of records) {
    if (record.type !== 'user' || record.signer.kind !== 'org') continue;
    const user = record.body as Body;
    if (!firstRole.has(String(user.userId))) firstRole.set(String(user.userId), user.role);
  }
  const isAdmin = (userId: string) => {
    const user = roles.get(userId);
    if (!user) return firstRole.get(userId) === 'admin';
    return user.role === 'admin' && user.active !== false;
  };
  for (const { pos, record } of records) {
    if (seenSignatures.has(record.sig)) continue;
    seenSignatures.add(record.sig);
    if (record.type === 'user' && record.signer.kind === 'org') {
      const user = record.body as Body;
      const known = roles.get(String(user.userId));
      if (!known || Number(user.issuedAt) >= known.issuedAt)
        roles.set(String(user.userId), { role: user.role, active: user.active, issuedAt: Number(user.issuedAt) });
    }
    const action = actionOf(record, seenUsers);
    if (!action) continue;
    const body = record.body as Body;
    if (record.type === 'org_root') orgName = String(body.name);
    if (record.type === 'enrolment') enrolmentUsers.set(String(body.enrolmentId), String(body.userId));
    if (record.type === 'delegation') {
      const holder = body.holder as { kind: string; deviceId?: string };
      delegations.set(String(body.delegationId), {
        deviceId: holder.kind === 'device' ? String(holder.deviceId) : null,
        label: String(body.label),
      });
    }
    const subjectId = subjectOf(record);
    entries.push({
      pos,
      action,
      type: record.type,
      subjectId,
      subjectName: subjectNameOf(record, subjectId, { userNames, deviceLabels, channelNames, enrolmentUsers, orgName }),
      time: timeOf(record.body as Body),
      signerKind: record.signer.kind,
      signerId: record.signer.id,
      detail: detailOf(record),
      facts: factsOf(record),
      ...actorOf(record, devices, userNames, isAdmin, delegations),
    });
  }
  return entries.reverse();
}
