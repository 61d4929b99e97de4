// Discoverable channels on two workstations against a real relay process: the admin creates a
// channel and makes it discoverable; the nurse finds it under "Kanäle durchsuchen", asks to join,
// is added by the admin's workstation by itself and reads the message from before joining.
// Screenshots at 1366x768; axe on each new screen.
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

test('a member finds a discoverable channel and joins it', async ({ clinic, openWorkstation }, testInfo) => {
  test.setTimeout(180_000);
  const { page: admin } = await openWorkstation('Stationsrechner 1');
  await createOrganisation(admin, clinic);
  await setPin(admin);
  await expect(admin.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  // The organisation-wide channel is there from the start, marked as such.
  const adminGeneral = admin.getByTestId('channel-entry').filter({ hasText: 'Allgemein' });
  await expect(adminGeneral.getByTestId('org-wide')).toBeVisible({ timeout: 20_000 });

  // The same first-run steps as first-run.spec.ts: add a user, hand over the registration key.
  await admin.getByRole('button', { name: 'Verwaltung' }).click();
  const key = await addUserWithKey(admin, 'Bernd Pflege');

  const { page: nurse } = await openWorkstation('Stationsrechner 2');
  await joinWithKey(nurse, clinic.url, key, NURSE_PASS, '739184');
  await expect(nurse.getByTestId('channel-entry').filter({ hasText: 'Allgemein' })).toBeVisible({ timeout: 30_000 });

  // The admin creates a discoverable channel (with history) and a private one, and writes in it.
  const create = async (name: string, discoverable: boolean, screenshot?: string) => {
    await admin.getByRole('button', { name: 'Neuer Kanal' }).first().click();
    const dialog = admin.getByRole('dialog', { name: 'Neuer Kanal' });
    await dialog.getByLabel('Name', { exact: true }).fill(name);
    if (discoverable) {
      await dialog.getByLabel('Thema (optional)').fill('Fragen zur Händehygiene');
      await dialog.getByRole('checkbox', { name: 'Neue Mitglieder dürfen ältere Nachrichten lesen' }).check();
      await dialog.getByRole('checkbox', { name: /Im Kanalverzeichnis auffindbar/ }).check();
    }
    if (screenshot) {
      await shot(admin, testInfo, screenshot);
      await expectAccessible(admin, 'new discoverable channel');
    }
    await dialog.getByRole('button', { name: 'Anlegen', exact: true }).click();
    await expect(admin.getByRole('textbox', { name: `Nachricht an #${name}` })).toBeVisible();
  };
  await create('Geheimprojekt', false);
  await create('Hygieneteam Nord', true, '01-new-discoverable-channel');
  const composer = admin.getByRole('textbox', { name: 'Nachricht an #Hygieneteam Nord' });
  await composer.fill('Der neue Desinfektionsplan hängt im Stationszimmer');
  await composer.press('Enter');
  await expect(admin.getByTestId('message').filter({ hasText: 'Desinfektionsplan' })).toBeVisible();

  // The nurse browses: only the discoverable channel is listed.
  await nurse.getByRole('button', { name: 'Kanäle durchsuchen' }).click();
  const browser = nurse.getByTestId('channel-browser');
  const entry = browser.getByTestId('discoverable-channel').filter({ hasText: 'Hygieneteam Nord' });
  await expect(entry).toBeVisible({ timeout: 30_000 });
  await expect(entry).toContainText('Fragen zur Händehygiene');
  await expect(entry).toContainText('Sie sehen auch ältere Nachrichten');
  await expect(browser.getByText('Geheimprojekt')).toHaveCount(0);
  // Filtering by a word that matches nothing says so.
  await browser.getByLabel('Nach Name oder Thema filtern').fill('Radiologie');
  await expect(browser.getByText('Kein Kanal passt zu „Radiologie“')).toBeVisible();
  await browser.getByLabel('Nach Name oder Thema filtern').fill('hygiene');
  await expect(entry).toBeVisible();
  await shot(nurse, testInfo, '02-browse-channels');
  await expectAccessible(nurse, 'browse channels');

  // Join by keyboard: the request is shown at once, the admin's workstation lets the nurse in.
  await entry.getByRole('button', { name: 'Hygieneteam Nord beitreten' }).focus();
  await nurse.keyboard.press('Enter');
  const open = browser.getByRole('button', { name: 'Hygieneteam Nord öffnen' });
  await expect(browser.getByTestId('join-requested').or(open).first()).toBeVisible();
  await shot(nurse, testInfo, '03-join-requested');
  await expect(open).toBeVisible({ timeout: 30_000 });
  await shot(nurse, testInfo, '04-joined');
  await expectAccessible(nurse, 'joined');
  await open.click();
  await expect(nurse.getByTestId('channel-entry').filter({ hasText: 'Hygieneteam Nord' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  // History allowed: the message from before the join is there.
  await expect(nurse.getByTestId('message').filter({ hasText: 'Desinfektionsplan' })).toBeVisible({ timeout: 30_000 });
  await shot(nurse, testInfo, '05-joined-channel');
  await expectAccessible(nurse, 'joined channel');
});
