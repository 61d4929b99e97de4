// CSV import and bulk registration letters through the IPC router, two workstations on a real
// relay: a file with one bad row imports nothing (not on the admin's workstation, not on the
// relay, as the other workstation sees once a later import arrives); the good file imports, a
// second import of it changes nothing, and a changed file updates names and departments without
// a second user. A department admin imports within the delegation's department only. The bulk
// letters are one PDF with a page per person, and a key read from the PDF joins a new workstation.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { personnelUserId } from '../../../apps/desktop/electron/core/account/user-import/personnel-user-id.ts';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { pdfPageLines } from '../../harness/pdf-text.ts';
import { eventually } from '../client/client-world.ts';

const PASS = { admin: 'Sonnenblume-Station-3', dept: 'Kaffeepause-Nachtdienst', joiner: 'Morgenrot-Visite-Sieben' };
const csv = (...lines: string[]) => new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(lines.join('\r\n'))]);
const HEADER = 'Personalnummer;Name;Abteilung;Rolle';

describe('CSV import and bulk letters in the app', () => {
  let relay: ClinicRelay;
  let admin: CoreClient;
  let dept: CoreClient;
  let orgId: string;
  let dir: string;
  const users = (client: CoreClient) => client.core.sessions.visible().client.directory.users;
  const pn = (n: string) => personnelUserId(orgId, n);

  beforeAll(async () => {
    await readySodium();
    dir = await mkdtemp(join(tmpdir(), 'kf-import-'));
    relay = await startClinicRelay({ verbose: !!process.env.KF_DEBUG });
    [admin, dept] = await Promise.all([startCoreClient(), startCoreClient()]);
    await admin.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: PASS.admin,
    });
    await eventually(async () => (await admin.value('connection.status', {})).state === 'online', 15_000, 'admin');
    orgId = admin.core.sessions.visible().identity.orgId;
    const { userId } = await admin.value('admin.addUser', {
      displayName: 'Dora Bereich',
      role: 'member',
      ward: 'Kardiologie',
    });
    const letter = await admin.value('admin.createRegistrationKey', { userId });
    await dept.value('org.join', {
      registrationKey: letter.registrationKey,
      relayUrl: relay.url,
      passphrase: PASS.dept,
    });
    await eventually(async () => (await dept.value('connection.status', {})).state === 'online', 15_000, 'dept');
  }, 120_000);

  afterAll(async () => {
    await Promise.all([admin?.close(), dept?.close()]);
    await relay?.relay.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('a file with one bad row shows its problem and imports nothing, anywhere', async () => {
    const bad = csv(HEADER, '2001;Gerda Gut;Kardiologie;', '2002;;Kardiologie;', '2003;Hans Heil;Notaufnahme;Chefarzt');
    const preview = await admin.value('admin.importPreview', { file: bad });
    expect(preview.counts).toEqual({ create: 1, update: 0, unchanged: 0, error: 2 });
    expect(preview.rows.map((r) => [r.line, r.action, r.problems])).toEqual([
      [2, 'create', []],
      [3, 'error', [{ field: 'displayName', code: 'missing' }]],
      [4, 'error', [{ field: 'role', code: 'unknown_role' }]],
    ]);
    const applied = await admin.call('admin.importApply', { file: bad });
    expect(applied).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(users(admin).has(pn('2001'))).toBe(false);

    // A later import reaches the other workstation: the bad file's good row never went to the relay.
    await admin.value('admin.importApply', { file: csv(HEADER, '1000;Marker Eins;Kardiologie;') });
    await eventually(() => users(dept).has(pn('1000')), 15_000, 'the later import reaches the other workstation');
    expect(users(dept).has(pn('2001'))).toBe(false);
  });

  it('imports the good file once; importing it again changes nothing; a changed file updates, never duplicates', async () => {
    const good = csv(
      HEADER,
      '1001;Jörg Weiß;Kardiologie;Mitglied',
      '1002;Bärbel Groß;Notaufnahme;',
      '1003;Chris Chef;;Administrator',
    );
    const first = await admin.value('admin.importApply', { file: good });
    expect(first).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    expect(first.userIds).toEqual([pn('1001'), pn('1002'), pn('1003')]);
    expect(users(admin).get(pn('1003'))?.body).toMatchObject({ displayName: 'Chris Chef', role: 'admin', ward: null });
    const count = users(admin).size;

    const again = await admin.value('admin.importApply', { file: good });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(users(admin).size).toBe(count);

    const changed = csv(
      HEADER,
      '1001;Jörg Weiß;Kardiologie;',
      '1002;Bärbel Klein;Kardiologie;',
      '1003;Chris Chef;;admin',
    );
    const preview = await admin.value('admin.importPreview', { file: changed });
    expect(preview.rows.map((r) => [r.action, r.changes])).toEqual([
      ['unchanged', []],
      ['update', ['displayName', 'ward']],
      ['unchanged', []],
    ]);
    expect(await admin.value('admin.importApply', { file: changed })).toMatchObject({
      created: 0,
      updated: 1,
      unchanged: 2,
    });
    expect(users(admin).size).toBe(count);
    await eventually(
      () => users(dept).get(pn('1002'))?.body.displayName === 'Bärbel Klein',
      15_000,
      'the update reaches the other workstation',
    );
    expect(users(dept).get(pn('1002'))?.body.ward).toBe('Kardiologie');
  });

  it('a member gets not_permitted from every method, and nothing is asked or saved', async () => {
    const file = csv(HEADER, '4001;Mia Mitglied;Kardiologie;');
    dept.platform.saveDialog.answer = join(dir, 'mitglied.pdf');
    for (const [method, input] of [
      ['admin.importPreview', { file }],
      ['admin.importApply', { file }],
      ['admin.bulkLetters', { userIds: [pn('1000')] }],
    ] as const) {
      const result = await dept.call(method, input as never);
      expect(result, method).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    }
    expect(dept.platform.saveDialog.requests).toHaveLength(0);
    expect(users(admin).has(pn('4001'))).toBe(false);
  });

  it('a department admin imports members of the delegated department only', async () => {
    const deptDeviceId = dept.core.sessions.visible().identity.deviceId;
    const { delegationId } = await admin.value('admin.createDelegation', {
      label: 'Kardiologie',
      holder: { kind: 'device', deviceId: deptDeviceId },
      scope: { kind: 'departments', departments: ['Kardiologie'] },
      validDays: 30,
    });
    await eventually(
      () => dept.core.sessions.visible().client.directory.delegations.has(delegationId),
      15_000,
      'delegation',
    );
    expect(await dept.call('admin.importPreview', { file: csv(HEADER, '3001;A B;Kardiologie;') })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    const outside = csv(
      HEADER,
      '3001;Ina Innen;Kardiologie;',
      '3002;Otto Außen;Notaufnahme;',
      '1002;Bärbel Klein;Kardiologie;Admin',
    );
    const preview = await dept.value('admin.importPreview', { file: outside, delegationId });
    expect(preview.rows.map((r) => r.problems)).toEqual([
      [],
      [{ field: 'ward', code: 'outside_scope' }],
      [{ field: 'role', code: 'admin_not_allowed' }],
    ]);
    expect(await dept.call('admin.importApply', { file: outside, delegationId })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(users(dept).has(pn('3001'))).toBe(false);
    const inside = await dept.value('admin.importApply', {
      file: csv(HEADER, '3001;Ina Innen;Kardiologie;', '1002;Bärbel Klein-Neu;Kardiologie;'),
      delegationId,
    });
    expect(inside).toMatchObject({ created: 1, updated: 1 });
    await eventually(
      () => users(admin).get(pn('1002'))?.body.displayName === 'Bärbel Klein-Neu' && users(admin).has(pn('3001')),
      15_000,
      'the admin workstation takes the delegated import',
    );
    // Letters under the delegation: for its members, not for an admin or another department.
    const enrolments = () => dept.core.sessions.visible().client.directory.enrolments.size;
    const before = enrolments();
    dept.platform.saveDialog.answer = join(dir, 'bereich.pdf');
    expect(await dept.call('admin.bulkLetters', { userIds: [pn('3001'), pn('1003')], delegationId })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    expect(enrolments()).toBe(before);
    await expect(stat(join(dir, 'bereich.pdf'))).rejects.toThrow();
    expect(await dept.value('admin.bulkLetters', { userIds: [pn('3001')], delegationId })).toMatchObject({
      saved: true,
      letters: 1,
    });
  });

  it('writes the letters as one PDF, one page each, and a key from it joins a workstation', async () => {
    const userIds = [pn('1001'), pn('1002'), pn('1003')];
    const enrolments = () => admin.core.sessions.visible().client.directory.enrolments.size;
    const before = enrolments();
    admin.platform.saveDialog.answer = null;
    expect(await admin.value('admin.bulkLetters', { userIds })).toEqual({ saved: false, fileName: null, letters: 0 });
    expect(enrolments()).toBe(before);

    const target = join(dir, 'Registrierungsbriefe.pdf');
    admin.platform.saveDialog.answer = target;
    expect(await admin.value('admin.bulkLetters', { userIds })).toEqual({
      saved: true,
      fileName: 'Registrierungsbriefe.pdf',
      letters: 3,
    });
    expect(admin.platform.saveDialog.requests.at(-1)).toMatchObject({ title: 'Registrierungsbriefe speichern' });
    expect(enrolments()).toBe(before + 3);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    const bytes = new Uint8Array(await readFile(target));
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(3);
    const pages = await pdfPageLines(bytes);
    expect(pages.map((lines) => lines.find((l) => l.startsWith('Guten Tag')))).toEqual([
      'Guten Tag Jörg Weiß,',
      'Guten Tag Bärbel Klein-Neu,',
      'Guten Tag Chris Chef,',
    ]);
    const keyLine = (lines: string[]) => lines[lines.indexOf('Registrierungsschlüssel') + 1]!;
    const joiner = await startCoreClient();
    try {
      await joiner.value('org.join', {
        registrationKey: keyLine(pages[0]!),
        relayUrl: relay.url,
        passphrase: PASS.joiner,
      });
      expect((await joiner.value('session.me', {})).displayName).toBe('Jörg Weiß');
    } finally {
      await joiner.close();
    }
  }, 120_000);

  it('letters saved over an existing file are readable for this account only, like a new file', async () => {
    const target = join(dir, 'Briefe-alt.pdf');
    await writeFile(target, 'alte Datei', { mode: 0o644 });
    admin.platform.saveDialog.answer = target;
    expect(await admin.value('admin.bulkLetters', { userIds: [pn('1001')] })).toMatchObject({
      saved: true,
      letters: 1,
    });
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect((await PDFDocument.load(new Uint8Array(await readFile(target)))).getPageCount()).toBe(1);
  }, 120_000);

  it('refuses letters for an unknown user before asking where to save', async () => {
    const asked = admin.platform.saveDialog.requests.length;
    expect(await admin.call('admin.bulkLetters', { userIds: [pn('9999')] })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(admin.platform.saveDialog.requests.length).toBe(asked);
  });
});
