// The org-signed records of the admin view through a real Directory: a changed user record wins
// only when newer, org settings (newest wins), enrolment revocation; and how org settings and
// machine policy combine.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../../apps/desktop/electron/core/account/identity.ts';
import {
  signEnrolmentRevocation,
  signOrgSettings,
  signUser,
  signUserUpdate,
  NotAdminError,
} from '../../../apps/desktop/electron/core/account/admin.ts';
import { actorCells, auditCsv, csvCell } from '../../../apps/desktop/electron/core/account/audit-csv.ts';
import {
  effectiveOrgSettings,
  effectiveNotificationContent,
  effectiveRetentionDays,
} from '../../../apps/desktop/electron/core/account/org-settings.ts';
import { POLICY_REGISTRY_PATH } from '../../../apps/desktop/electron/core/policy/definitions.ts';
import { FakeRegistry } from '../../../apps/desktop/electron/core/policy/registry.ts';
import { resolvePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';
import { generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { adminIdentity, World } from '../crypto/world.ts';

let world: World;
let identity: Identity;
beforeEach(async () => {
  world = await World.create();
  identity = adminIdentity(world, 'usr-admin-0001', 'dev-admin-0001');
});

describe('admin records', () => {
  it('a changed user record replaces the old one only when it is newer; a clock behind is moved forward', () => {
    const first = signUser(identity, {
      displayName: 'Bernd Pflege',
      role: 'member',
      ward: 'Station 3B',
      now: world.now,
    });
    world.publish(first);
    const dir = world.newDirectory();
    // The admin's clock is an hour behind the record: issuedAt still goes up.
    const update = signUserUpdate(identity, first.body, { role: 'admin', ward: null }, world.now - 3_600_000);
    expect(update.body.issuedAt).toBe(first.body.issuedAt + 1);
    expect(dir.ingest(update).ok).toBe(true);
    expect(dir.users.get(first.body.userId)?.body).toMatchObject({
      role: 'admin',
      ward: null,
      displayName: 'Bernd Pflege',
      active: true,
    });
    // An old record replayed later does not undo the change.
    expect(dir.ingest(first).ok).toBe(true);
    expect(dir.users.get(first.body.userId)?.body.role).toBe('admin');
    const deactivated = signUserUpdate(identity, update.body, { active: false }, world.now);
    dir.ingest(deactivated);
    expect(dir.users.get(first.body.userId)?.body.active).toBe(false);
  });

  it('a device without the org key cannot sign admin records', () => {
    const member = { ...identity, orgSecret: null };
    expect(() => signUser(member, { displayName: 'Eve', role: 'admin', ward: null, now: 0 })).toThrow(NotAdminError);
    expect(() =>
      signOrgSettings(
        member,
        { retentionDays: 1, readReceipts: false, notificationContent: 'full', historyForNewMembers: false },
        null,
        0,
      ),
    ).toThrow(NotAdminError);
  });

  it('org settings: the newest record wins, and a foreign key is refused', () => {
    const dir = world.newDirectory();
    const values = {
      retentionDays: 30,
      readReceipts: true,
      notificationContent: 'none' as const,
      historyForNewMembers: false,
    };
    const first = signOrgSettings(identity, values, null, world.now);
    expect(dir.ingest(first).ok).toBe(true);
    const second = signOrgSettings(identity, { ...values, retentionDays: 60 }, first.body.issuedAt, world.now - 1000);
    expect(second.body.issuedAt).toBeGreaterThan(first.body.issuedAt);
    dir.ingest(second);
    dir.ingest(first);
    expect(dir.orgSettings?.body.retentionDays).toBe(60);
    expect(dir.orgSettings?.body.issuedBy).toBe(identity.userId);

    const foreignKey = generateOrgKeys().secretKey;
    const foreign = signRecord(
      'org_settings',
      { ...second.body, retentionDays: 1, issuedAt: second.body.issuedAt + 5 },
      { kind: 'org', id: world.orgId },
      foreignKey,
    );
    expect(dir.ingest(foreign)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(dir.orgSettings?.body.retentionDays).toBe(60);
    // Only the org may sign settings.
    expect(dir.ingest({ ...second, signer: { kind: 'device', id: 'dev-admin-0001' } })).toMatchObject({
      ok: false,
      reason: 'not_permitted',
    });
  });

  it('a revoked registration key cannot enrol a device', () => {
    const userId = world.addUser('Dora');
    const { code, enrolmentId } = world.createEnrolment(userId);
    world.publish(signEnrolmentRevocation(identity, enrolmentId, 'Brief verloren', world.now));
    const dir = world.newDirectory();
    expect(dir.revokedEnrolments.has(enrolmentId)).toBe(true);
    expect(dir.ingest(world.deviceCertificate(userId, code).record)).toMatchObject({ ok: false, reason: 'revoked' });
  });
});

describe('org settings and machine policy', () => {
  const P = POLICY_REGISTRY_PATH;
  const record = (values: { retentionDays: number; notificationContent: 'none' | 'sender' | 'full' }) =>
    signOrgSettings(identity, { ...values, readReceipts: false, historyForNewMembers: true }, null, 1);

  it('without machine policy the organisation decides', () => {
    const policy = resolvePolicy([]);
    const settings = record({ retentionDays: 30, notificationContent: 'full' });
    expect(effectiveRetentionDays(policy, settings)).toBe(30);
    expect(effectiveNotificationContent(policy, settings)).toBe('full');
    expect(effectiveOrgSettings(policy, null)).toMatchObject({
      org: { retentionDays: 0, notificationContent: 'sender', readReceipts: false },
      issuedAt: null,
      overriddenByPolicy: [],
    });
  });

  it('machine policy set by IT wins over the organisation setting on that workstation', async () => {
    const registry = new FakeRegistry()
      .set('HKLM', P, 'RetentionDays', { type: 'REG_DWORD', value: 7 })
      .set('HKLM', P, 'NotificationContent', { type: 'REG_SZ', value: 'none' });
    const values = await registry.readValues('HKLM', P);
    const policy = resolvePolicy([{ name: 'HKLM', kind: 'registry', values }]);
    const view = effectiveOrgSettings(policy, record({ retentionDays: 30, notificationContent: 'full' }));
    expect(view.org).toMatchObject({ retentionDays: 30, notificationContent: 'full' });
    expect(view.effective).toMatchObject({ retentionDays: 7, notificationContent: 'none' });
    expect(view.overriddenByPolicy.sort()).toEqual(['notificationContent', 'retentionDays']);
  });

  it('the reception preset keeps notifications without content whatever the organisation says', async () => {
    const values = await new FakeRegistry()
      .set('HKLM', P, 'WorkstationPreset', { type: 'REG_SZ', value: 'reception' })
      .readValues('HKLM', P);
    const policy = resolvePolicy([{ name: 'HKLM', kind: 'registry', values }]);
    expect(effectiveNotificationContent(policy, record({ retentionDays: 0, notificationContent: 'full' }))).toBe(
      'none',
    );
  });
});

describe('audit CSV', () => {
  it('quotes separators and neutralises cells a spreadsheet would run as a formula', () => {
    expect(csvCell('Station 3B')).toBe('Station 3B');
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('sagt "Hallo"')).toBe('"sagt ""Hallo"""');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+49 30 123')).toBe("'+49 30 123");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-1')).toBe("'-1");
  });

  it('writes a BOM, a header and one line per entry with CRLF, the acting admin and device first', () => {
    const csv = auditCsv(
      [
        {
          pos: 3,
          action: 'user_added',
          type: 'user',
          subjectId: 'usr1',
          subjectName: '=cmd|calc',
          time: Date.UTC(2026, 0, 5, 8),
          signerKind: 'org',
          signerId: 'org1',
          detail: 'role=member; ward=',
          facts: { name: 'Bernd Pflege', role: 'member', ward: null, active: true },
          actorSource: 'device',
          actorName: '@Anna Admin',
          actorUserId: 'usr-admin-0001',
          actorDeviceId: 'dev-admin-0001',
          actorDeviceLabel: '+Stationsrechner 1',
        },
      ],
      'en',
    );
    expect(csv.startsWith('\uFEFFTime (UTC);Performed by;Device;Action;Subject;Details;')).toBe(true);
    // Names an admin typed cannot run as formulas in the spreadsheet, the person's neither.
    expect(csv.split('\r\n')[1]).toBe(
      `2026-01-05T08:00:00.000Z;'@Anna Admin;'+Stationsrechner 1;User added;'=cmd|calc;"Bernd Pflege is a member, no ward. The account is active.";user;usr1;Organisation key;dev-admin-0001`,
    );
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('says plainly when the person or device cannot be named', () => {
    const none = { actorName: null, actorUserId: null, actorDeviceId: null, actorDeviceLabel: null };
    expect(actorCells({ ...none, actorSource: 'unknown_device', actorDeviceId: 'dev-gone-0001' }, 'de')).toEqual([
      'unbekannt',
      'unbekanntes Gerät dev-gone-0001',
    ]);
    expect(actorCells({ ...none, actorSource: 'unverified', actorDeviceId: 'dev-x-00001' }, 'de')).toEqual([
      'unbekannt',
      'Gerätesignatur ungültig (dev-x-00001)',
    ]);
    expect(actorCells({ ...none, actorSource: 'not_recorded' }, 'en')).toEqual(['not recorded', 'not recorded']);
    expect(actorCells({ ...none, actorSource: 'named', actorName: 'Anna Admin', actorUserId: 'usr1' }, 'de')).toEqual([
      'Anna Admin',
      'nicht vermerkt',
    ]);
    expect(
      actorCells(
        {
          actorSource: 'enrolment',
          actorName: null,
          actorUserId: 'usr-b',
          actorDeviceId: 'dev-b',
          actorDeviceLabel: '',
        },
        'de',
      ),
    ).toEqual(['unbekannter Benutzer usr-b', 'dev-b (mit Registrierungsschlüssel)']);
  });
});
