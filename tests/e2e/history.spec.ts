// "Neue Mitglieder können ältere Nachrichten lesen" on three workstations against a real relay:
// the admin and a nurse write in "Allgemein", the admin adds a third user and both keep writing
// until that user's first sign-in (often a day later); the newcomer then reads all of it.
import { test, expect } from './fixtures.ts';
import { addUserWithKey, createOrganisation, joinWithKey, NURSE_PASS, setPin, shot } from './steps.ts';
import type { Page } from '@playwright/test';

async function say(page: Page, body: string): Promise<void> {
  const composer = page.getByRole('textbox', { name: /Nachricht an/ });
  await composer.fill(body);
  await composer.press('Enter');
  await expect(page.getByTestId('message').filter({ hasText: body })).toBeVisible();
}

async function openGeneral(page: Page): Promise<void> {
  const entry = page.getByTestId('channel-entry').filter({ hasText: 'Allgemein' });
  await expect(entry).toBeVisible({ timeout: 30_000 });
  await entry.click();
}

test('a user added later reads the earlier messages of "Allgemein"', async ({ clinic, openWorkstation }, testInfo) => {
  test.setTimeout(240_000);
  const { page: admin } = await openWorkstation('Stationsrechner 1');
  await createOrganisation(admin, clinic);
  await setPin(admin);
  await expect(admin.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  await admin.getByRole('button', { name: 'Verwaltung' }).click();
  const bernd = await addUserWithKey(admin, 'Bernd Pflege');
  const { page: nurse } = await openWorkstation('Stationsrechner 2');
  await joinWithKey(nurse, clinic.url, bernd, NURSE_PASS, '739184');

  await openGeneral(admin);
  await say(admin, 'Willkommen im Klinikfunk');
  await openGeneral(nurse);
  await expect(nurse.getByTestId('message').filter({ hasText: 'Willkommen im Klinikfunk' })).toBeVisible({
    timeout: 30_000,
  });
  await say(nurse, 'Danke, Station 3B ist dabei');

  // The third user is added; both go on writing before that user's device exists.
  await admin.getByRole('button', { name: 'Verwaltung' }).click();
  const clara = await addUserWithKey(admin, 'Clara Spät');
  await openGeneral(admin);
  await expect(admin.getByTestId('message').filter({ hasText: 'Station 3B ist dabei' })).toBeVisible({
    timeout: 30_000,
  });
  await say(admin, 'Morgen Fortbildung Hygiene, 14 Uhr');
  await say(nurse, 'Wir schicken zwei Leute');

  const { page: late } = await openWorkstation('Stationsrechner 3');
  await joinWithKey(late, clinic.url, clara, 'Frühdienst-Kaffee-Station', '615243');
  await openGeneral(late);
  for (const body of ['Willkommen im Klinikfunk', 'Station 3B ist dabei', 'Fortbildung Hygiene', 'zwei Leute']) {
    await expect(late.getByTestId('message').filter({ hasText: body })).toBeVisible({ timeout: 30_000 });
  }
  await shot(late, testInfo, 'history-allgemein-late-member');
  // The promise in the members panel is the one just kept.
  await late
    .getByRole('button', { name: /Mitglieder/ })
    .first()
    .click();
  await expect(late.getByRole('dialog').getByText('Neue Mitglieder können ältere Nachrichten lesen.')).toBeVisible();
  await shot(late, testInfo, 'history-allgemein-members');
});
