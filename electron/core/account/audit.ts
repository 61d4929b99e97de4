// The audit log of administration: every org-signed record in the local directory copy (users,
// registration keys, revocations, wipe orders, settings) and every device certificate, newest
// first. Each entry is a verified signed record, so the log cannot hold an action the org key did
// not sign. Channel rosters signed by members' devices are not admin actions and stay out.
import type { SignedRecord } from '../../../shared/protocol/records.ts';
import type { Db } from '../store/database.ts';

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
  'settings_changed',
  'roster_signed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  /** Position in the local directory log (arrival order). */
  pos: number;
  action: AuditAction;
  type: string;
  subjectId: string;
  /** User name or device label where the directory knows it. */
  subjectName: string | null;
  /** Time the record states (issuedAt, revokedAt, createdAt). */
  time: number;
  signerKind: 'org' | 'device' | 'enrolment';
  signerId: string;
  /** Short facts from the record body (role, ward, reason...), no secrets and no content. */
  detail: string;
}

type Body = Record<string, unknown>;

function subjectOf(record: SignedRecord): string {
  const body = record.body as Body;
  if (record.type === 'revocation') {
    const target = body.target as Record<string, string>;
    return target.deviceId ?? target.userId ?? target.enrolmentId ?? '';
  }
  if (record.type === 'wipe') return String(body.targetDeviceId);
  for (const key of ['deviceId', 'enrolmentId', 'userId', 'channelId', 'orgId'])
    if (typeof body[key] === 'string') return body[key];
  return '';
}

function timeOf(body: Body): number {
  return Number(body.issuedAt ?? body.revokedAt ?? body.createdAt ?? 0);
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
    case 'org_settings':
      return 'settings_changed';
    case 'roster':
      return record.signer.kind === 'org' ? 'roster_signed' : null;
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
      return `order=${String(body.orderId)}`;
    case 'org_settings':
      return `retentionDays=${String(body.retentionDays)}; readReceipts=${String(body.readReceipts)}; notificationContent=${String(body.notificationContent)}; historyForNewMembers=${String(body.historyForNewMembers)}; by=${String(body.issuedBy)}`;
    default:
      return '';
  }
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
      return names.deviceLabels.get(subjectId) ?? null;
    case 'roster':
      return names.channelNames.get(subjectId) ?? null;
    default:
      return user(subjectId) ?? names.deviceLabels.get(subjectId) ?? null;
  }
}

/** Every admin action in the local directory, newest first (a record kept twice counts once). */
export function auditEntries(db: Db): AuditEntry[] {
  const rows = db.prepare('SELECT record_pk, record FROM directory_records ORDER BY record_pk').all() as Array<{
    record_pk: number;
    record: string;
  }>;
  const userNames = new Map(
    (
      db.prepare('SELECT user_id, display_name FROM users').all() as Array<{ user_id: string; display_name: string }>
    ).map((u) => [u.user_id, u.display_name]),
  );
  const deviceLabels = new Map(
    (db.prepare('SELECT device_id, label FROM devices').all() as Array<{ device_id: string; label: string }>).map(
      (d) => [d.device_id, d.label],
    ),
  );
  const channelNames = new Map(
    (
      db.prepare("SELECT channel_id, name FROM channels WHERE name != ''").all() as Array<{
        channel_id: string;
        name: string;
      }>
    ).map((c) => [c.channel_id, c.name]),
  );
  const enrolmentUsers = new Map<string, string>();
  let orgName: string | null = null;
  const seenSignatures = new Set<string>();
  const seenUsers = new Set<string>();
  const entries: AuditEntry[] = [];
  for (const row of rows) {
    const record = JSON.parse(row.record) as SignedRecord;
    if (seenSignatures.has(record.sig)) continue;
    seenSignatures.add(record.sig);
    const action = actionOf(record, seenUsers);
    if (!action) continue;
    const body = record.body as Body;
    if (record.type === 'org_root') orgName = String(body.name);
    if (record.type === 'enrolment') enrolmentUsers.set(String(body.enrolmentId), String(body.userId));
    const subjectId = subjectOf(record);
    entries.push({
      pos: row.record_pk,
      action,
      type: record.type,
      subjectId,
      subjectName: subjectNameOf(record, subjectId, { userNames, deviceLabels, channelNames, enrolmentUsers, orgName }),
      time: timeOf(record.body as Body),
      signerKind: record.signer.kind,
      signerId: record.signer.id,
      detail: detailOf(record),
    });
  }
  return entries.reverse();
}

const CSV_HEADER = {
  de: ['Zeit (UTC)', 'Aktion', 'Datensatz', 'Betreff-ID', 'Betreff', 'Signiert von', 'Signatur-ID', 'Details'],
  en: ['Time (UTC)', 'Action', 'Record', 'Subject id', 'Subject', 'Signed by', 'Signer id', 'Details'],
} as const;

/**
 * One cell per RFC 4180 (quotes doubled, fields with separators quoted). Cells that a spreadsheet
 * would run as a formula (= + - @, tab, CR) get a leading apostrophe: names come from admins but
 * the file is opened by others (CSV injection).
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditCsv(
  entries: readonly AuditEntry[],
  language: 'de' | 'en',
  actionLabel: (action: AuditAction) => string,
  signerLabel: (kind: AuditEntry['signerKind']) => string,
): string {
  const lines = [CSV_HEADER[language].map(csvCell).join(';')];
  for (const e of entries) {
    lines.push(
      [
        new Date(e.time).toISOString(),
        actionLabel(e.action),
        e.type,
        e.subjectId,
        e.subjectName ?? '',
        signerLabel(e.signerKind),
        e.signerId,
        e.detail,
      ]
        .map(csvCell)
        .join(';'),
    );
  }
  // Excel on German Windows reads ; as the separator and needs the BOM to see UTF-8 umlauts.
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export const AUDIT_LABELS: Record<'de' | 'en', Record<AuditAction, string>> = {
  de: {
    org_created: 'Organisation angelegt',
    user_added: 'Benutzer hinzugefügt',
    user_changed: 'Benutzer geändert',
    registration_key_created: 'Registrierungsschlüssel erstellt',
    device_certified: 'Gerät registriert',
    device_revoked: 'Gerät gesperrt',
    user_revoked: 'Benutzer gesperrt',
    registration_key_revoked: 'Registrierungsschlüssel widerrufen',
    wipe_ordered: 'Fernlöschung angeordnet',
    settings_changed: 'Organisationsrichtlinien geändert',
    roster_signed: 'Kanalmitglieder (Organisation) geändert',
  },
  en: {
    org_created: 'Organisation created',
    user_added: 'User added',
    user_changed: 'User changed',
    registration_key_created: 'Registration key created',
    device_certified: 'Device registered',
    device_revoked: 'Device revoked',
    user_revoked: 'User revoked',
    registration_key_revoked: 'Registration key revoked',
    wipe_ordered: 'Remote wipe ordered',
    settings_changed: 'Organisation policies changed',
    roster_signed: 'Channel members (organisation) changed',
  },
};

export const SIGNER_LABELS: Record<'de' | 'en', Record<AuditEntry['signerKind'], string>> = {
  de: { org: 'Organisationsschlüssel', device: 'Geräteschlüssel', enrolment: 'Registrierungsschlüssel' },
  en: { org: 'Organisation key', device: 'Device key', enrolment: 'Registration key' },
};
