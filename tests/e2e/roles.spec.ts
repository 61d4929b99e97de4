// Function roles on two workstations against a real relay process: the admin defines a role in
// "Dienste", the nurse takes it over ("Dienst übernehmen") and the admin's workstation shows her as
// holder with since when; a roster import shows its preview with a reason on the bad row. Then the
// admin finds the role in the quick switcher ("Dienstarzt", Enter), the conversation's header says
// who holds it since when, and the message reaches the nurse who holds it. Keyboard for the
// takeover and the switcher; axe on the panel and the conversation; screenshots in German at 1366x768.
import { test, expect } from './fixtures.ts';
import { expectAccessible, shot, twoStaff } from './steps.ts';

test('a role taken over on one workstation shows its holder on the other', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(180_000);
  const { admin, nurse } = await twoStaff(clinic, openWorkstation);

  await admin.getByRole('button', { name: 'Dienste', exact: true }).click();
  const form = admin.getByTestId('role-form');
  await form.getByLabel('Name der Rolle').fill('Dienstarzt Station 3B');
  await form.getByLabel('Bereich (Abteilung)').fill('Station 3B');
  await form.getByLabel('Dürfen übernehmen: alle aus den Bereichen').fill('Station 3B');
  await form.getByRole('button', { name: 'Rolle anlegen' }).click();
  const atAdmin = admin.getByTestId('role').filter({ hasText: 'Dienstarzt Station 3B' });
  await expect(atAdmin).toContainText('Niemand hat diesen Dienst gerade.', { timeout: 15_000 });

  await nurse.getByRole('button', { name: 'Dienste', exact: true }).click();
  const take = nurse.getByRole('button', { name: 'Dienst übernehmen: „Dienstarzt Station 3B“' });
  await expect(take).toBeVisible({ timeout: 30_000 });
  await take.focus();
  await nurse.keyboard.press('Enter');
  await expect(nurse.getByRole('button', { name: 'Dienst abgeben: „Dienstarzt Station 3B“' })).toBeVisible({
    timeout: 15_000,
  });

  await expect(atAdmin.getByTestId('role-holders')).toContainText('Bernd Pflege', { timeout: 30_000 });
  await expect(atAdmin.getByTestId('role-holders')).toContainText(/übernommen, seit/);
  // The admin is not in Station 3B and not named: no takeover offered, with the reason.
  await expect(atAdmin).toContainText('Sie gehören nicht zu den Personen, die diesen Dienst übernehmen dürfen.');

  await admin.getByLabel('Für die Rolle').selectOption({ label: 'Dienstarzt Station 3B' });
  await admin.getByLabel(/^Datei/).setInputFiles({
    name: 'dienstplan.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      'Person;Beginn;Ende\nBernd Pflege;28.03.2027 06:00;28.03.2027 14:00\nBernd Pflege;28.03.2027 02:30;28.03.2027 06:00\n',
    ),
  });
  const preview = admin.getByTestId('roster-preview');
  await expect(preview).toContainText('1 von 2 Zeilen können importiert werden.');
  await expect(preview).toContainText('Diese Uhrzeit gibt es wegen der Zeitumstellung nicht');
  // In the roster's own time (Europe/Berlin), whatever zone the workstation runs in.
  await expect(preview.getByRole('row').nth(1)).toContainText('28.03.2027, 06:00');
  await expect(admin.getByRole('button', { name: 'Importieren' })).toHaveCount(0);
  await atAdmin.scrollIntoViewIfNeeded();
  await shot(admin, testInfo, 'roles-panel');
  await preview.scrollIntoViewIfNeeded();
  await shot(admin, testInfo, 'roles-roster-preview');
  await expectAccessible(admin, 'roles panel');

  // Messaging the role: the quick switcher finds it by name, Enter opens the conversation.
  await admin.getByRole('button', { name: /^Kanal wechseln/ }).click();
  const switcher = admin.getByRole('dialog', { name: 'Kanal wechseln' });
  await switcher.getByRole('combobox').fill('Dienstarzt');
  await expect(switcher.getByRole('option').first()).toContainText('Funktionsrolle · Bernd Pflege');
  await shot(admin, testInfo, 'roles-quick-switcher');
  await admin.keyboard.press('Enter');
  await expect(switcher).toHaveCount(0, { timeout: 15_000 });
  await expect(admin.getByTestId('channel-name')).toHaveText('Dienstarzt Station 3B', { timeout: 15_000 });
  await expect(admin.getByTestId('role-line')).toHaveText(/Funktionsrolle · Bernd Pflege seit \d\d:\d\d/, {
    timeout: 15_000,
  });
  const composer = admin.getByRole('textbox', { name: /^Nachricht an .*Dienstarzt Station 3B/ });
  await composer.fill('Zimmer 12: bitte Blutdruck kontrollieren');
  await composer.press('Enter');
  await expect(admin.getByTestId('message').filter({ hasText: 'Zimmer 12' })).toBeVisible({ timeout: 15_000 });
  await shot(admin, testInfo, 'roles-conversation-sender');
  await expectAccessible(admin, 'role conversation');

  // The holder: the conversation with the role appears on the nurse's workstation, with the message.
  await nurse.getByRole('button', { name: 'Zurück zu den Kanälen' }).click();
  const entry = nurse.getByTestId('channel-entry').filter({ hasText: 'Dienstarzt Station 3B' });
  await expect(entry).toBeVisible({ timeout: 30_000 });
  await entry.click();
  await expect(nurse.getByTestId('message').filter({ hasText: 'Zimmer 12' })).toBeVisible({ timeout: 30_000 });
  await expect(nurse.getByTestId('role-line')).toContainText('Bernd Pflege seit');
  await shot(nurse, testInfo, 'roles-conversation-holder');
});
