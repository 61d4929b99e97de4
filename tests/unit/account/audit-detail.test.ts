// The audit log explains each signed record in sentences, not its key=value fields, with times in
// the reader's local time: what the admin view and the CSV export show.
import { describe, expect, it } from 'vitest';
import { auditCsv } from '../../../apps/desktop/electron/core/account/audit-csv.ts';
import { factsOf } from '../../../apps/desktop/electron/core/account/audit.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { auditDetailSentences } from '@klinikfunk/protocol/domain/audit-detail.ts';

const record = (type: string, body: Record<string, unknown>) =>
  ({ type, body, signer: { kind: 'org', id: 'org1' }, sig: 's' }) as unknown as SignedRecord;
const german = (type: string, body: Record<string, unknown>) =>
  auditDetailSentences(type, factsOf(record(type, body)), 'de', (ms) => `LOCAL(${ms})`);

describe('audit details in sentences', () => {
  it('says what a user record sets, in German', () => {
    expect(
      german('user', { userId: 'usr1', displayName: 'Bernd Pflege', role: 'member', ward: 'Station 3B', active: true }),
    ).toEqual(['Bernd Pflege ist Mitglied auf Station 3B.', 'Das Konto ist aktiv.']);
    expect(
      german('user', { userId: 'usr1', displayName: 'Anna Admin', role: 'admin', ward: null, active: false }),
    ).toEqual(['Anna Admin ist Administrator/in, ohne Station.', 'Das Konto ist deaktiviert.']);
  });

  it('gives a registration key expiry in the caller’s local time, not as UTC ISO text', () => {
    const expiresAt = Date.UTC(2026, 11, 24, 23, 30);
    expect(german('enrolment', { userId: 'usr1', enrolmentId: 'enr1', expiresAt })).toEqual([
      `Gültig bis LOCAL(${expiresAt}).`,
    ]);
  });

  it('explains org settings, a revocation reason and a wipe order', () => {
    expect(
      german('org_settings', {
        retentionDays: 30,
        readReceipts: false,
        notificationContent: 'sender',
        historyForNewMembers: true,
      }),
    ).toEqual([
      'Nachrichten werden nach 30 Tagen gelöscht.',
      'Lesebestätigungen sind ausgeschaltet.',
      'Benachrichtigungen zeigen nur den Absender.',
      'Neue Mitglieder sehen den bisherigen Verlauf.',
    ]);
    expect(
      german('revocation', { target: { kind: 'device', deviceId: 'dev1' }, reason: 'Brief verloren', revokedAt: 1 }),
    ).toEqual(['Grund: Brief verloren.']);
    expect(german('revocation', { target: { kind: 'device', deviceId: 'dev1' }, reason: '', revokedAt: 1 })).toEqual([
      'Kein Grund angegeben.',
    ]);
    expect(german('wipe', { targetDeviceId: 'dev1', orderId: 'ord-7' })).toEqual(['Auftragsnummer ord-7.']);
    expect(german('org_root', { orgId: 'org1', name: 'Klinikum Nord' })).toEqual([
      'Name der Organisation: Klinikum Nord.',
    ]);
  });

  it('no sentence holds a key=value pair', () => {
    const all = [
      german('user', { displayName: 'X', role: 'member', ward: null, active: true }),
      german('device', { userId: 'u', label: 'Stationsrechner 1' }),
      german('org_settings', {
        retentionDays: 0,
        readReceipts: true,
        notificationContent: 'none',
        historyForNewMembers: false,
      }),
    ].flat();
    for (const s of all) expect(s).not.toMatch(/\w=\S/);
  });

  it('the CSV export writes the same sentences in its Details column', () => {
    const facts = factsOf(
      record('revocation', { target: { kind: 'device', deviceId: 'dev1' }, reason: 'Gerät verloren', revokedAt: 1 }),
    );
    const csv = auditCsv(
      [
        {
          pos: 1,
          action: 'device_revoked',
          type: 'revocation',
          subjectId: 'dev1',
          subjectName: 'Stationsrechner 2',
          time: Date.UTC(2026, 0, 5, 8),
          signerKind: 'org',
          signerId: 'org1',
          detail: 'reason=Gerät verloren',
          facts,
          actorSource: 'not_recorded',
          actorName: null,
          actorUserId: null,
          actorDeviceId: null,
          actorDeviceLabel: null,
        },
      ],
      'de',
    );
    expect(csv.split('\r\n')[1]).toContain(';Grund: Gerät verloren.;');
  });
});
