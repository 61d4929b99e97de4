// The audit log as CSV for a spreadsheet: semicolon separated, UTF-8 with BOM, CRLF (what Excel
// on German Windows opens as is). The first columns answer who did what to whom and when; the
// record type, ids and signer follow for whoever has to check an entry against the directory.
import { auditDetailSentences } from '@klinikfunk/protocol/domain/audit-detail.ts';
import type { AuditActor } from './audit-actor.ts';
import type { AuditAction, AuditEntry } from './audit.ts';

type Language = 'de' | 'en';

const CSV_HEADER = {
  de: [
    'Zeitpunkt (UTC)',
    'Ausgeführt von',
    'Gerät',
    'Aktion',
    'Ziel',
    'Details',
    'Datensatz',
    'Ziel-ID',
    'Signiert von',
    'Geräte-ID',
  ],
  en: [
    'Time (UTC)',
    'Performed by',
    'Device',
    'Action',
    'Subject',
    'Details',
    'Record',
    'Subject id',
    'Signed by',
    'Device id',
  ],
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

const ACTOR_TEXT = {
  de: {
    unknownUser: (id: string) => `unbekannter Benutzer ${id}`,
    unknownDevice: (id: string) => `unbekanntes Gerät ${id}`,
    unverified: (id: string) => `Gerätesignatur ungültig (${id})`,
    withKey: (device: string) => `${device} (mit Registrierungsschlüssel)`,
    unknown: 'unbekannt',
    notRecorded: 'nicht vermerkt',
  },
  en: {
    unknownUser: (id: string) => `unknown user ${id}`,
    unknownDevice: (id: string) => `unknown device ${id}`,
    unverified: (id: string) => `device signature invalid (${id})`,
    withKey: (device: string) => `${device} (with registration key)`,
    unknown: 'unknown',
    notRecorded: 'not recorded',
  },
} as const;

/** The person and the device cell of an entry, with a plain fallback where the directory cannot say. */
export function actorCells(actor: AuditActor, language: Language): [person: string, device: string] {
  const text = ACTOR_TEXT[language];
  const person = actor.actorName ?? (actor.actorUserId ? text.unknownUser(actor.actorUserId) : text.unknown);
  const deviceId = actor.actorDeviceId ?? '';
  const device = actor.actorDeviceLabel || deviceId;
  switch (actor.actorSource) {
    case 'device':
      return [person, device];
    case 'enrolment':
      return [person, text.withKey(device)];
    case 'named':
      return [person, text.notRecorded];
    case 'unknown_device':
      return [text.unknown, text.unknownDevice(deviceId)];
    case 'unverified':
      return [text.unknown, text.unverified(deviceId)];
    case 'not_recorded':
      return [text.notRecorded, text.notRecorded];
  }
}

/** A time inside a sentence, in this workstation's time zone (the time column stays UTC, sortable). */
const localTime = (ms: number, language: Language) =>
  new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(
    ms,
  );

export function auditCsv(entries: readonly AuditEntry[], language: Language): string {
  const lines = [CSV_HEADER[language].map(csvCell).join(';')];
  for (const e of entries) {
    lines.push(
      [
        new Date(e.time).toISOString(),
        ...actorCells(e, language),
        AUDIT_LABELS[language][e.action],
        e.subjectName ?? e.subjectId,
        auditDetailSentences(e.type, e.facts, language, (ms) => localTime(ms, language)).join(' '),
        e.type,
        e.subjectId,
        SIGNER_LABELS[language][e.signerKind],
        e.actorDeviceId ?? '',
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
    wipe_executed: 'Fernlöschung ausgeführt',
    settings_changed: 'Organisationsrichtlinien geändert',
    roster_signed: 'Kanalmitglieder (Organisation) geändert',
    delegation_granted: 'Verwaltung übertragen',
    delegation_revoked: 'Übertragene Verwaltung widerrufen',
    org_key_rotated: 'Organisationsschlüssel gewechselt',
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
    wipe_executed: 'Remote wipe executed',
    settings_changed: 'Organisation policies changed',
    roster_signed: 'Channel members (organisation) changed',
    delegation_granted: 'Administration delegated',
    delegation_revoked: 'Delegated administration revoked',
    org_key_rotated: 'Organisation key rotated',
  },
};

export const SIGNER_LABELS: Record<'de' | 'en', Record<AuditEntry['signerKind'], string>> = {
  de: {
    org: 'Organisationsschlüssel',
    device: 'Geräteschlüssel',
    enrolment: 'Registrierungsschlüssel',
    delegate: 'Übertragener Verwaltungsschlüssel',
  },
  en: { org: 'Organisation key', device: 'Device key', enrolment: 'Registration key', delegate: 'Delegated key' },
};
