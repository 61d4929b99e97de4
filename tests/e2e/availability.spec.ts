// Availability on two workstations against a real relay process: off by default (no status button);
// the admin switches it on in the organisation's policies; the nurse sets "nicht stören" with a
// cover from the user area by keyboard alone, and the admin's workstation shows it next to her name
// in the sidebar, the conversation header and the member list, with the screen-reader text
// "Status: nicht stören, Vertretung: Dr. Berg". Screenshots in German at 1366x768, axe on the dialog.
import { test, expect } from './fixtures.ts';
import { addUserWithKey, expectAccessible, invoke, shot, twoStaff } from './steps.ts';

test('a status set on one workstation shows on the other', async ({ clinic, openWorkstation }, testInfo) => {
  test.setTimeout(180_000);
  const { admin, nurse } = await twoStaff(clinic, openWorkstation);
  // Off by default: nobody is offered a status.
  await expect(nurse.getByTestId('status-open')).toHaveCount(0);

  // The cover: a colleague in the directory (no workstation needed).
  await admin.getByRole('button', { name: 'Verwaltung' }).click();
  await addUserWithKey(admin, 'Dr. Berg', { ward: 'Station 3B' });
  await admin.getByRole('tab', { name: 'Richtlinien', exact: true }).click();
  await admin.getByRole('checkbox', { name: /^Verfügbarkeit/ }).check();
  await admin.getByRole('button', { name: 'Richtlinien speichern' }).click();
  await expect(admin.getByText('Richtlinien gespeichert und signiert.')).toBeVisible({ timeout: 15_000 });
  await shot(admin, testInfo, 'availability-01-policy');

  // The nurse, by keyboard: the status button, "nicht stören", the cover, save with Enter.
  const open = nurse.getByRole('button', { name: 'Eigenen Status setzen' });
  await expect(open).toBeVisible({ timeout: 30_000 });
  await open.focus();
  await nurse.keyboard.press('Enter');
  const dialog = nurse.getByRole('dialog', { name: 'Mein Status' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('radio', { name: 'im Dienst' })).toBeFocused();
  await nurse.keyboard.press('ArrowRight');
  await expect(dialog.getByRole('radio', { name: 'nicht stören' })).toBeChecked();
  // Saving without a cover says what is missing.
  await nurse.keyboard.press('Enter');
  await expect(dialog.getByText('Bitte wählen Sie Ihre Vertretung.')).toBeVisible();
  await dialog.getByLabel('Vertretung (Person)').focus();
  await dialog.getByLabel('Vertretung (Person)').selectOption({ label: 'Dr. Berg (Station 3B)' });
  await shot(nurse, testInfo, 'availability-02-dialog');
  await expectAccessible(nurse, 'status dialog');
  // Tab to the optional end (left empty); Enter in a field saves the form.
  await nurse.keyboard.press('Tab');
  await expect(dialog.getByLabel('Bis (Datum und Uhrzeit, freiwillig)')).toBeFocused();
  await nurse.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0, { timeout: 15_000 });
  await expect(nurse.getByTestId('status-badge').first()).toHaveAttribute('data-state', 'dnd', { timeout: 15_000 });

  // The admin's workstation: a direct conversation with the nurse shows her status.
  await admin.getByRole('button', { name: 'Verwaltung schließen' }).click();
  const nurseId = (await invoke(admin, 'directory.users', {})).find((u) => u.displayName === 'Bernd Pflege')!.userId;
  await invoke(admin, 'channels.create', {
    kind: 'direct',
    name: 'Bernd Pflege',
    topic: '',
    memberUserIds: [nurseId],
    historyForNewMembers: false,
    discoverable: false,
  });
  const entry = admin.getByTestId('channel-entry').filter({ hasText: 'Bernd Pflege' });
  await expect(entry).toBeVisible({ timeout: 15_000 });
  const said = 'Status: nicht stören, Vertretung: Dr. Berg';
  await expect(entry.getByTestId('status-badge')).toContainText(said, { timeout: 30_000 });
  await entry.click();
  await expect(admin.getByTestId('header-status')).toContainText('nicht stören');
  await expect(admin.getByTestId('header-status')).toContainText('Vertretung: Dr. Berg');
  await shot(admin, testInfo, 'availability-03-direct');
  await expectAccessible(admin, 'direct conversation with a status');

  await admin.getByTestId('channel-entry').filter({ hasText: 'Station 3B' }).click();
  await admin.getByRole('button', { name: 'Mitglieder' }).click();
  const row = admin.getByTestId('member-row').filter({ hasText: 'Bernd Pflege' });
  await expect(row.getByTestId('status-badge')).toContainText(said);
  await shot(admin, testInfo, 'availability-04-members');
});
