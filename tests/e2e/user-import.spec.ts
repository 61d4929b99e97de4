// CSV import, bulk letters and the issue-19 admin screens in the browser against a real relay: a
// file with a bad row shows the row's problem and offers no import; the corrected file imports
// after a confirmation, and the letters for the new people are saved as one PDF where the save
// dialog points (one page each). Then delegated administration (a key holder for a department),
// emergency shares (2 of 3) and the org key change with its confirmation. Screenshots in German at
// 1366x768; axe on each screen.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { test, expect } from './fixtures.ts';
import { createOrganisation, expectAccessible, setPin, shot } from './steps.ts';

const csv = (...lines: string[]) =>
  Buffer.from(['Personalnummer;Name;Abteilung;Rolle', ...lines].join('\r\n'), 'latin1');

test('CSV import with a bad row, import, bulk letters, delegation, shares and key change', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(240_000);
  const { page, workstation } = await openWorkstation('Verwaltung 1');
  await createOrganisation(page, clinic);
  await setPin(page);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
  await page.getByRole('button', { name: 'Verwaltung' }).click();
  await page.getByRole('tab', { name: 'CSV-Import', exact: true }).click();

  // A Windows-1252 export with a missing name and an unknown role: the problems, no import.
  await page.getByLabel('CSV-Datei').setInputFiles({
    name: 'personal.csv',
    mimeType: 'text/csv',
    buffer: csv('1001;Jörg Weiß;Kardiologie;Mitglied', '1002;;Notaufnahme;', '1003;Bärbel Groß;Station 3B;Chefärztin'),
  });
  await expect(page.getByTestId('import-summary')).toHaveText('1 neu, 0 geändert, 0 unverändert, 2 mit Fehlern');
  const rows = page.getByTestId('import-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('Jörg Weiß');
  await expect(rows.nth(1)).toContainText('Name fehlt: Tragen Sie den Namen ein.');
  await expect(rows.nth(2)).toContainText('Rolle unbekannt');
  await expect(page.getByTestId('import-has-errors')).toContainText('Es wird nichts importiert');
  await expect(page.getByTestId('import-submit')).toBeDisabled();
  await shot(page, testInfo, 'import-01-preview-errors');
  await expectAccessible(page, 'import preview with errors');

  // The corrected file: three new people, imported after the confirmation.
  await page.getByLabel('CSV-Datei').setInputFiles({
    name: 'personal.csv',
    mimeType: 'text/csv',
    buffer: csv(
      '1001;Jörg Weiß;Kardiologie;Mitglied',
      '1002;Anna Berg;Notaufnahme;',
      '1003;Bärbel Groß;Station 3B;Admin',
    ),
  });
  await expect(page.getByTestId('import-summary')).toHaveText('3 neu, 0 geändert, 0 unverändert, 0 mit Fehlern');
  await shot(page, testInfo, 'import-02-preview-good');
  await page.getByTestId('import-submit').click();
  const confirm = page.getByRole('dialog', { name: 'Personen importieren?' });
  await expect(confirm).toContainText('3 Personen werden neu angelegt');
  await confirm.getByRole('button', { name: 'Importieren' }).click();
  await expect(page.getByTestId('import-done')).toHaveText('Importiert: 3 neu, 0 geändert, 0 unverändert.');

  const target = join(workstation.dataDir, '..', `briefe-${Date.now()}.pdf`);
  workstation.platform.saveDialog.answer = target;
  await page.getByTestId('import-letters').click();
  await expect(page.getByTestId('import-letters-status')).toContainText('Drucken Sie sie gleich aus und löschen Sie');
  await shot(page, testInfo, 'import-03-letters-saved');
  await expectAccessible(page, 'import done with letters');
  const pdf = await PDFDocument.load(await readFile(target));
  expect(pdf.getPageCount()).toBe(3);
  await rm(target);

  // The users view has them.
  await page.getByRole('tab', { name: 'Benutzer', exact: true }).click();
  await expect(page.getByTestId('admin-user-row').filter({ hasText: 'Bärbel Groß' })).toContainText('Administration');

  // Delegated administration for a key holder (a directory service connection).
  await page.getByRole('tab', { name: 'Bereichsverwaltung', exact: true }).click();
  await expect(page.getByTestId('delegations-empty')).toBeVisible();
  await page.getByTestId('delegation-label').fill('Verzeichnisdienst Kardiologie');
  await page.getByLabel('Ein Schlüssel (Verzeichnisdienst-Anbindung)').check();
  await page.getByLabel('Öffentlicher Schlüssel').fill('A'.repeat(43));
  await page.getByTestId('delegation-departments').fill('Kardiologie, Station 3B');
  await page.getByTestId('delegation-create').click();
  const grant = page.getByRole('dialog', { name: 'Bereichsverwaltung übertragen?' });
  await expect(grant).toContainText('Kardiologie, Station 3B');
  await grant.getByRole('button', { name: 'Bereichsverwaltung übertragen' }).click();
  const delegation = page.getByTestId('delegation-row');
  await expect(delegation).toHaveCount(1);
  await expect(delegation).toContainText('Aktiv');
  await page.getByRole('heading', { name: 'Bereichsverwaltung übertragen', level: 2 }).scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'import-04-delegations');
  await expectAccessible(page, 'delegations');
  await delegation
    .getByRole('button', { name: 'Bereichsverwaltung „Verzeichnisdienst Kardiologie“ widerrufen' })
    .click();
  const revoke = page.getByRole('dialog', { name: 'Bereichsverwaltung widerrufen?' });
  await shot(page, testInfo, 'import-05-delegation-revoke-confirm');
  await revoke.getByRole('button', { name: 'Widerrufen' }).click();
  await expect(delegation).toContainText('Widerrufen');

  // Emergency shares, 2 of 3, then the key change behind its confirmation.
  await page.getByRole('tab', { name: 'Schlüsselwechsel & Notfall', exact: true }).click();
  await shot(page, testInfo, 'import-06-key-safety');
  await expectAccessible(page, 'key change and emergency shares');
  await page.getByLabel('Anzahl Umschläge').fill('3');
  await page.getByLabel('Davon nötig zur Wiederherstellung').fill('2');
  await page.getByTestId('shares-submit').click();
  await expect(page.getByTestId('share-text')).toHaveCount(3);
  await expect(page.getByTestId('share-text').first()).toHaveText(/^KF1-/);
  await shot(page, testInfo, 'import-07-shares');
  await expectAccessible(page, 'emergency shares');
  await page.getByRole('button', { name: 'Fertig – Teile ausblenden' }).click();
  await page.getByTestId('rotation-submit').click();
  const rotate = page.getByRole('dialog', { name: 'Organisationsschlüssel wirklich wechseln?' });
  await shot(page, testInfo, 'import-08-rotation-confirm');
  await expectAccessible(page, 'key change confirmation');
  await rotate.getByRole('button', { name: 'Schlüssel wechseln' }).click();
  await expect(page.getByTestId('rotation-done')).toContainText('Der Organisationsschlüssel wurde gewechselt');
});
