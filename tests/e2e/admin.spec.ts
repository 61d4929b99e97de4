// Organisation administration on three workstations against a real relay process: the admin adds
// a member and a second admin with registration letters, both join; the admin exports the org key
// and the second admin imports it; policies are set; the admin revokes the member's device (its
// session ends with the explanation on the sign-in screen) and wipes the second admin's device
// (its profile folder is gone). Then the audit log with CSV export. A second test shows machine
// policy locked in the UI. Screenshots of every admin view in German at 1366x768; axe on each.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { methods } from '@klinikfunk/protocol/api/contract.ts';
import { POLICY_REGISTRY_PATH } from '../../apps/desktop/electron/core/policy/definitions.ts';
import { FakeRegistry } from '../../apps/desktop/electron/core/policy/registry.ts';
import { resolvePolicy } from '../../apps/desktop/electron/core/policy/resolve.ts';
import { orgFingerprint } from '@klinikfunk/protocol/wire/org-fingerprint.ts';
import type { Workstation } from '../harness/workstation.ts';
import { uncheckedCall } from '../../apps/desktop/electron/ipc/router.ts';
import { test, expect } from './fixtures.ts';
import {
  addUserWithKey,
  createOrganisation,
  expectAccessible,
  joinWithKey,
  NURSE_PASS,
  setPin,
  shot,
} from './steps.ts';

const SECOND_PASS = 'Leuchtturm-am-Hafen-Nord';
const BACKUP_PASS = 'Tresor-im-Keller-2026';

const tab = (page: Page, name: string) => page.getByRole('tab', { name, exact: true });

/** Holds the workstation's answers to one method until released: what the UI shows before they arrive. */
function holdMethod(station: Workstation, method: 'org.settings'): () => void {
  const handlers = station.core.handlers;
  const original = handlers[method];
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  handlers[method] = async (input, call) => {
    await gate;
    return original(input, call);
  };
  return () => {
    handlers[method] = original;
    release();
  };
}

test('admin view: users, keys, channels, policies, org key hand-over, revoke ends a session, wipe deletes the profile', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(240_000);
  const { page: admin, workstation: adminStation } = await openWorkstation('Stationsrechner 1');
  await createOrganisation(admin, clinic);
  await setPin(admin);
  await expect(admin.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 15_000 });

  // Users: a member and a second admin, each with a registration letter.
  await admin.getByRole('button', { name: 'Verwaltung' }).click();
  await expect(tab(admin, 'Benutzer')).toHaveAttribute('aria-selected', 'true');
  const nurseKey = await addUserWithKey(admin, 'Bernd Pflege', { ward: 'Station 3B', role: 'Mitglied' });
  const secondKey = await addUserWithKey(admin, 'Clara Empfang', { ward: 'Empfang', role: 'Administration' });
  const rows = admin.getByTestId('admin-user-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: 'Clara Empfang' })).toContainText('Administration');
  await shot(admin, testInfo, 'admin-01-users');
  await expectAccessible(admin, 'admin users');

  // Registration keys: both open; the tab list works with the arrow keys.
  await tab(admin, 'Benutzer').focus();
  await admin.keyboard.press('ArrowRight');
  await expect(tab(admin, 'Registrierungsschlüssel')).toBeFocused();
  await expect(admin.getByTestId('admin-key-row')).toHaveCount(2);
  await shot(admin, testInfo, 'admin-02-keys');
  await expectAccessible(admin, 'admin registration keys');

  // Both join on their own workstations; the nurse's still runs an older build (a rolling upgrade).
  const { page: nurse } = await openWorkstation('Stationsrechner 2', { version: '0.0.9' });
  await joinWithKey(nurse, clinic.url, nurseKey, NURSE_PASS, '739184');
  const { page: second, workstation: secondStation } = await openWorkstation('Empfang 1');
  await joinWithKey(second, clinic.url, secondKey, SECOND_PASS, '615273');
  await tab(admin, 'Benutzer').click();
  await tab(admin, 'Registrierungsschlüssel').click();
  await expect(admin.getByTestId('admin-keys-empty')).toBeVisible();

  // Organisation key: the fingerprint IT pins (policy OrgFingerprint), copyable; a short
  // passphrase is refused, then the backup downloads.
  await tab(admin, 'Organisationsschlüssel').click();
  const fingerprint = orgFingerprint(adminStation.core.sessions.visible().identity.orgId);
  await expect(admin.getByRole('textbox', { name: 'Fingerabdruck der Organisation' })).toHaveValue(fingerprint);
  await admin.getByTestId('org-fingerprint-copy').click();
  await expect(admin.getByText('Fingerabdruck in die Zwischenablage kopiert.')).toBeVisible();
  await expect.poll(() => adminStation.platform.clipboard.text).toBe(fingerprint);
  await admin.getByLabel('Passphrase für die Sicherung').fill('zu-kurz');
  await admin.getByLabel('Passphrase wiederholen').fill('zu-kurz');
  await admin.getByRole('button', { name: 'Sicherungsdatei herunterladen' }).click();
  await expect(admin.getByText('Die Passphrase braucht mindestens 12 Zeichen.')).toBeVisible();
  await admin.getByLabel('Passphrase für die Sicherung').fill(BACKUP_PASS);
  await admin.getByLabel('Passphrase wiederholen').fill(BACKUP_PASS);
  const [backupDownload] = await Promise.all([
    admin.waitForEvent('download'),
    admin.getByRole('button', { name: 'Sicherungsdatei herunterladen' }).click(),
  ]);
  expect(backupDownload.suggestedFilename()).toMatch(/^klinikfunk-organisationsschluessel-Klinikum-Nord-.*\.json$/);
  const backupPath = testInfo.outputPath(backupDownload.suggestedFilename());
  await backupDownload.saveAs(backupPath);
  expect(JSON.parse(readFileSync(backupPath, 'utf8'))).toMatchObject({
    format: 'klinikfunk-org-key-backup',
    v: 1,
    kdf: { alg: 'argon2id13' },
  });
  await expect(admin.getByTestId('org-key-exported')).toBeVisible();
  await shot(admin, testInfo, 'admin-03-org-key-export');
  await expectAccessible(admin, 'admin org key export');

  // The second admin has the role but not the key: only the import is offered, and it checks the passphrase.
  await second.getByRole('button', { name: 'Verwaltung' }).click();
  await expect(second.getByTestId('org-key-state')).toContainText('noch nicht');
  await expect(second.getByRole('tab')).toHaveCount(2);
  await second.getByLabel('Sicherungsdatei (.json)').setInputFiles(backupPath);
  await second.getByLabel('Passphrase der Sicherung').fill('Falsche-Passphrase-1');
  await second.getByRole('button', { name: 'Importieren' }).click();
  await expect(second.getByText('Die Passphrase öffnet diese Sicherung nicht.', { exact: false })).toBeVisible({
    timeout: 15_000,
  });
  await shot(second, testInfo, 'admin-04-org-key-import');
  await expectAccessible(second, 'admin org key import');
  await second.getByLabel('Passphrase der Sicherung').fill(BACKUP_PASS);
  await second.getByRole('button', { name: 'Importieren' }).click();
  await expect(second.getByText('Organisationsschlüssel importiert.', { exact: false })).toBeVisible({
    timeout: 15_000,
  });
  await expect(tab(second, 'Benutzer')).toBeVisible();

  // A channel with the member, so the overview has something to show (message counts are covered
  // by tests/integration/admin). Created through the admin workstation's core: this test is about
  // the admin view.
  const users = await adminStation.core.handlers['directory.users'](
    methods['directory.users'].input.parse({}),
    uncheckedCall,
  );
  const berndId = users.find((u) => u.displayName === 'Bernd Pflege')!.userId;
  await adminStation.core.handlers['channels.create'](
    methods['channels.create'].input.parse({
      kind: 'channel',
      name: 'Station 3B',
      topic: '',
      memberUserIds: [berndId],
    }),
    uncheckedCall,
  );
  await tab(admin, 'Kanäle').click();
  const channelRow = admin.getByTestId('admin-channel-row').filter({ hasText: 'Station 3B' });
  await expect(channelRow).toContainText('2 (1 Admin.)');
  await expect(channelRow.locator('td').nth(2)).toHaveText('0');
  await expect(admin.getByTestId('admin-channel-row').filter({ hasText: 'Allgemein' })).toBeVisible();
  await shot(admin, testInfo, 'admin-05-channels');
  await expectAccessible(admin, 'admin channels');

  // Organisation policies, signed; the member's workstation gets them. The form waits for the
  // settings (held back here, like a slow PC): typed before they arrived, the admin's input was lost.
  const releaseSettings = holdMethod(adminStation, 'org.settings');
  await tab(admin, 'Richtlinien').click();
  const settingsLoading = admin.getByTestId('org-settings-loading');
  await expect(settingsLoading).toHaveText('Wird geladen …');
  await expect(settingsLoading).toHaveAttribute('aria-busy', 'true');
  await expect(admin.getByLabel('Aufbewahrung in Tagen')).toHaveCount(0);
  await shot(admin, testInfo, 'admin-06a-policies-loading');
  releaseSettings();
  await expect(admin.getByTestId('org-settings-form')).toHaveAttribute('aria-busy', 'false');
  await expect(settingsLoading).toHaveCount(0);
  await admin.getByLabel('Aufbewahrung in Tagen').fill('abc');
  await admin.getByRole('button', { name: 'Richtlinien speichern' }).click();
  await expect(admin.getByText('Bitte eine ganze Zahl von 0 bis 3650 eingeben.')).toBeVisible();
  await admin.getByLabel('Aufbewahrung in Tagen').fill('30');
  await admin.getByLabel('Inhalt von Benachrichtigungen').selectOption({ label: 'Kein Inhalt („Neue Nachricht“)' });
  await admin.getByRole('button', { name: 'Richtlinien speichern' }).click();
  await expect(admin.getByText('Richtlinien gespeichert und signiert.')).toBeVisible({ timeout: 15_000 });
  await expect(admin.getByTestId('settings-last-change')).toContainText('Anna Admin');
  await shot(admin, testInfo, 'admin-06-policies');
  await expectAccessible(admin, 'admin policies');

  // Devices: revoke the member's device; its session ends and the sign-in screen says why.
  await tab(admin, 'Geräte').click();
  await expect(admin.getByTestId('admin-device-row')).toHaveCount(3);
  // Last seen, as the relay reports it: the admin's own workstation is connected right now.
  await expect(admin.getByRole('columnheader', { name: 'Zuletzt online' })).toBeVisible();
  await expect(admin.getByTestId('admin-device-last-seen').filter({ hasText: 'jetzt online' }).first()).toBeVisible();
  await expect(admin.getByTestId('last-seen-hint')).toHaveCount(0);
  // Versions as each workstation reported them to the relay: the nurse's is not updated yet.
  const version = (await adminStation.core.handlers['app.info']({}, uncheckedCall)).version;
  await expect(admin.getByRole('columnheader', { name: 'Version' })).toBeVisible();
  await expect(admin.getByTestId('device-version-summary')).toContainText(`Neueste Version: ${version} auf 2 Geräten`);
  await expect(admin.getByTestId('device-version-behind')).toHaveText('noch nicht aktualisiert: 1');
  const nurseRow = admin.getByTestId('admin-device-row').filter({ hasText: 'Stationsrechner 2' });
  await expect(nurseRow.getByTestId('admin-device-version')).toContainText('0.0.9');
  await expect(nurseRow.getByTestId('admin-device-version')).toContainText('noch nicht aktualisiert');
  await expect(nurseRow.getByTestId('admin-device-version')).toHaveAttribute('data-behind', 'true');
  await shot(admin, testInfo, 'admin-07-devices');
  await expectAccessible(admin, 'admin devices');
  await admin.getByRole('button', { name: 'Stationsrechner 2 von Bernd Pflege sperren', exact: true }).click();
  await expect(admin.getByRole('dialog', { name: 'Gerät sperren?' })).toBeVisible();
  await shot(admin, testInfo, 'admin-08-revoke-confirm');
  await expectAccessible(admin, 'admin revoke confirm');
  await admin.getByRole('dialog').getByRole('button', { name: 'Sperren', exact: true }).click();
  await expect(admin.getByTestId('admin-device-row').filter({ hasText: 'Stationsrechner 2' })).toContainText(
    'Gesperrt am',
    { timeout: 15_000 },
  );
  // The reason is on the profile's own tile (other profiles on a shared PC are not affected).
  await expect(nurse.getByTestId('profile-notice')).toContainText(
    'Ihre Administration hat den Zugang von Bernd Pflege an diesem Arbeitsplatz gesperrt',
    {
      timeout: 30_000,
    },
  );
  await expect(nurse.getByLabel('Passphrase', { exact: true })).toBeVisible();
  await shot(nurse, testInfo, 'admin-09-revoked-sign-in');
  await expectAccessible(nurse, 'revoked sign-in');

  // Revoke and wipe the second admin's device: its profile folder is deleted.
  const profilesBefore = readdirSync(secondStation.dataDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  expect(profilesBefore).toHaveLength(1);
  const profileDir = join(secondStation.dataDir, profilesBefore[0]!);
  expect(existsSync(join(profileDir, 'store.db'))).toBe(true);
  await admin.getByRole('button', { name: 'Empfang 1 von Clara Empfang sperren und löschen', exact: true }).click();
  await expect(admin.getByRole('dialog', { name: 'Gerät sperren und Daten löschen?' })).toBeVisible();
  await admin.getByRole('dialog').getByRole('button', { name: 'Sperren und löschen', exact: true }).click();
  await expect.poll(() => existsSync(profileDir), { timeout: 30_000 }).toBe(false);
  // Ordered, or already confirmed by the wiped workstation (the list looks again every 10 s while
  // a wipe waits; wipe-confirm.spec checks that part).
  await expect(admin.getByTestId('admin-device-row').filter({ hasText: 'Empfang 1' })).toContainText(
    /Fernlöschung (angeordnet|ausgeführt) am/,
    { timeout: 15_000 },
  );
  await expect(second.getByRole('button', { name: 'Mit Registrierungsschlüssel beitreten' }).first()).toBeVisible({
    timeout: 20_000,
  });

  // Audit log: the actions above, signed; CSV download.
  await tab(admin, 'Protokoll').click();
  const audit = admin.getByTestId('admin-audit-row');
  await expect(audit.first()).toBeVisible();
  for (const action of [
    'wipe_ordered',
    'device_revoked',
    'settings_changed',
    'device_certified',
    'user_added',
    'registration_key_created',
    'org_created',
  ]) {
    await expect(admin.locator(`[data-testid="admin-audit-row"][data-action="${action}"]`).first()).toBeVisible();
  }
  // Each entry names the admin who acted and, second, their device (not only a key).
  const wipeRow = admin.locator('[data-testid="admin-audit-row"][data-action="wipe_ordered"]').first();
  await expect(wipeRow.getByTestId('admin-audit-actor')).toContainText('Anna Admin');
  await expect(wipeRow.getByTestId('admin-audit-actor')).toContainText('Gerät: Stationsrechner 1');
  // Details as German sentences, not key=value fields, and the table fits the window at 1366 px.
  const settingsRow = admin.locator('[data-testid="admin-audit-row"][data-action="settings_changed"]').first();
  await expect(settingsRow.getByTestId('admin-audit-detail')).toContainText('Lesebestätigungen sind');
  await expect(admin.getByTestId('admin-audit')).not.toContainText('=');
  const overflow = await admin
    .getByTestId('admin-audit')
    .evaluate((table) => table.getBoundingClientRect().right - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(admin, testInfo, 'admin-10-audit');
  await expectAccessible(admin, 'admin audit log');
  const [csvDownload] = await Promise.all([
    admin.waitForEvent('download'),
    admin.getByRole('button', { name: 'Als CSV herunterladen' }).click(),
  ]);
  expect(csvDownload.suggestedFilename()).toMatch(/^klinikfunk-protokoll-\d{4}-\d{2}-\d{2}\.csv$/);
  const csvPath = testInfo.outputPath('audit.csv');
  await csvDownload.saveAs(csvPath);
  const csv = readFileSync(csvPath, 'utf8');
  expect(csv.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
    'Zeitpunkt (UTC);Ausgeführt von;Gerät;Aktion;Ziel;Details;Datensatz;Ziel-ID;Signiert von;Geräte-ID',
  );
  expect(csv).toMatch(/;Anna Admin;Stationsrechner 1;Fernlöschung angeordnet;/);

  // Edit a user: ward and role in a dialog, a new signed record.
  await tab(admin, 'Benutzer').click();
  await admin.getByRole('button', { name: 'Bernd Pflege bearbeiten' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Benutzer bearbeiten' });
  await dialog.getByLabel('Station oder Bereich (optional)').fill('Notaufnahme');
  await shot(admin, testInfo, 'admin-11-edit-user');
  await expectAccessible(admin, 'admin edit user');
  await dialog.getByRole('button', { name: 'Speichern' }).click();
  await expect(rows.filter({ hasText: 'Bernd Pflege' })).toContainText('Notaufnahme', { timeout: 15_000 });

  // This workstation's managed settings: none under built-in defaults.
  await tab(admin, 'Arbeitsplatz').click();
  await expect(admin.getByTestId('managed-none')).toBeVisible();
  await shot(admin, testInfo, 'admin-12-workstation');
  await expectAccessible(admin, 'admin workstation');
});

test('settings fixed by machine policy are shown locked: relay field, language and the managed list', async ({
  openWorkstation,
}, testInfo) => {
  const P = POLICY_REGISTRY_PATH;
  const registry = new FakeRegistry()
    .set('HKLM', P, 'RelayUrl', { type: 'REG_SZ', value: 'wss://klinikfunk.klinik.local' })
    .set('HKLM', P, 'UiLanguage', { type: 'REG_SZ', value: 'de' })
    .set('HKLM', P, 'IdleLockSeconds', { type: 'REG_SZ', value: 'fünf Minuten' })
    .set('HKCU', P, 'PinMinLength', { type: 'REG_DWORD', value: 8 });
  const policy = resolvePolicy([
    { name: 'HKLM', kind: 'registry', values: await registry.readValues('HKLM', P) },
    { name: 'HKCU', kind: 'registry', values: await registry.readValues('HKCU', P) },
  ]);
  const { page } = await openWorkstation('Empfang 2', { policy });
  await page.getByRole('button', { name: 'Mit Registrierungsschlüssel beitreten' }).first().click();
  const relay = page.getByLabel('Serveradresse');
  await expect(relay).toBeDisabled();
  await expect(relay).toHaveValue('wss://klinikfunk.klinik.local');
  await expect(page.getByText('Von Ihrer Organisation verwaltet').first()).toBeVisible();
  const language = page.getByLabel('Sprache');
  await expect(language).toBeDisabled();
  await expect(language).toHaveAccessibleDescription('Von Ihrer Organisation verwaltet');

  await page.getByTestId('managed-settings-open').click();
  const dialog = page.getByRole('dialog', { name: 'Verwaltete Einstellungen' });
  await expect(dialog.getByTestId('managed-row')).toHaveCount(4);
  await expect(dialog.getByTestId('managed-row').filter({ hasText: 'RelayUrl' })).toContainText(
    'Gruppenrichtlinie (Computer)',
  );
  await expect(dialog.getByTestId('managed-row').filter({ hasText: 'RelayUrl' })).toContainText('Relay-Adresse');
  await expect(dialog.getByTestId('managed-row').filter({ hasText: 'PinMinLength' })).toContainText(
    'Gruppenrichtlinie (Benutzer)',
  );
  // A wrong type in HKLM: the default applies and the UI says the value was rejected.
  await expect(dialog.getByTestId('managed-row').filter({ hasText: 'IdleLockSeconds' })).toContainText(
    'Ungültiger Wert',
  );
  await expect(dialog.getByTestId('managed-row').filter({ hasText: 'IdleLockSeconds' })).toContainText('300');
  await shot(page, testInfo, 'admin-13-managed-settings');
  await expectAccessible(page, 'managed settings');
});
