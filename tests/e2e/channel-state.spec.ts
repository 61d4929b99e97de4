// Issue 15 on two workstations against a real relay process: a new group's first message lands in
// the group, never in the organisation-wide channel (item 1); the timeline survives switching tabs
// (item 2); a direct chat is named after the other person on both sides (item 3); a message on
// screen in a focused window is read at once (item 4). Run it once with the machine loaded: the
// first defect showed only while the relay's ack was slow.
import type { Page, TestInfo } from '@playwright/test';
import { test, expect, type OpenWorkstation } from './fixtures.ts';
import {
  addUserWithKey,
  createOrganisation,
  expectAccessible,
  joinWithKey,
  NURSE_PASS,
  setPin,
  shot,
} from './steps.ts';

/** An admin and a nurse who joined, both online, both with the organisation-wide channel open. */
async function adminAndNurse(
  clinic: { url: string; setupCode: string },
  openWorkstation: (label?: string) => Promise<OpenWorkstation>,
): Promise<{ admin: Page; nurse: Page }> {
  const { page: admin } = await openWorkstation('Stationsrechner 1');
  await createOrganisation(admin, clinic);
  await expect(admin.getByLabel('Neue PIN')).toBeVisible({ timeout: 20_000 });
  await setPin(admin);
  await expect(admin.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
  await admin.getByRole('button', { name: 'Verwaltung' }).click();
  const key = await addUserWithKey(admin, 'Bernd Pflege', { ward: 'Station 3B' });
  const { page: nurse } = await openWorkstation('Stationsrechner 2');
  await joinWithKey(nurse, clinic.url, key, NURSE_PASS, '739184');
  await admin.getByTestId('channel-entry').filter({ hasText: 'Allgemein' }).click();
  await expect(admin.getByRole('textbox', { name: 'Nachricht an #Allgemein', exact: true })).toBeVisible({
    timeout: 20_000,
  });
  return { admin, nurse };
}

/** The composer of exactly this channel (its label names the target). */
const composerOf = (page: Page, label: string) =>
  page.getByRole('textbox', { name: `Nachricht an ${label}`, exact: true });
const entry = (page: Page, name: string) =>
  page.getByTestId('channel-entry').filter({ has: page.getByText(name, { exact: true }) });

async function newChannel(
  page: Page,
  kind: 'Kanal' | 'Unterhaltung' | 'Direktnachricht',
  name: string,
  member: string,
): Promise<void> {
  await page.getByRole('button', { name: 'Neuer Kanal' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Neuer Kanal' });
  await dialog.getByRole('radio', { name: new RegExp(`^${kind}`) }).check();
  if (kind !== 'Direktnachricht') await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByRole(kind === 'Direktnachricht' ? 'radio' : 'checkbox', { name: new RegExp(member) }).check();
  await dialog.getByRole('button', { name: 'Anlegen', exact: true }).click();
  await expect(dialog).toBeHidden();
}

async function look(page: Page, testInfo: TestInfo, name: string, screen: string): Promise<void> {
  await shot(page, testInfo, name);
  await expectAccessible(page, screen);
}

test('a new group: whatever is typed at once after "Anlegen" lands in the group, 10 times in a row', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(300_000);
  const { admin, nurse } = await adminAndNurse(clinic, openWorkstation);
  for (let i = 1; i <= 10; i++) {
    await newChannel(admin, 'Unterhaltung', `Übergabe ${i}`, 'Bernd Pflege');
    // The user types into the composer in front of them as soon as the dialog is gone.
    const composer = admin.getByRole('textbox', { name: /^Nachricht an / });
    await composer.fill(`Patient in Zimmer ${i}: Übergabe an den Spätdienst`);
    await composer.press('Enter');
    // It was the new group's composer, and it still is: the selection never moved by itself.
    await expect(admin.getByTestId('channel-name')).toHaveText(`Übergabe ${i}`);
    await expect(admin.getByTestId('message').filter({ hasText: `Patient in Zimmer ${i}:` })).toBeVisible();
    await expect(admin.getByTestId('composer-target')).toHaveText(`Nachricht an Übergabe ${i}`);
  }
  await shot(admin, testInfo, 'state-01-new-group-first-message');
  for (let i = 1; i <= 10; i++) {
    await entry(admin, `Übergabe ${i}`).click();
    await expect(composerOf(admin, `Übergabe ${i}`)).toBeVisible();
    await expect(admin.getByTestId('message')).toHaveText([new RegExp(`Patient in Zimmer ${i}: Übergabe`)], {
      timeout: 20_000,
    });
  }
  // Nothing reached the organisation-wide channel, on either workstation.
  for (const page of [admin, nurse]) {
    await entry(page, 'Allgemein').click();
    await expect(composerOf(page, '#Allgemein')).toBeVisible();
    await expect(page.getByText(/^(Noch keine Nachrichten|Anfang von #Allgemein)/)).toBeVisible();
    await expect(page.getByTestId('message').filter({ hasText: 'Patient in Zimmer' })).toHaveCount(0);
  }
  // The nurse has every group with its one message.
  await expect(entry(nurse, 'Übergabe 10')).toBeVisible({ timeout: 30_000 });
  await entry(nurse, 'Übergabe 10').click();
  await expect(nurse.getByTestId('message')).toHaveText([/Patient in Zimmer 10: Übergabe/], { timeout: 20_000 });
  await look(admin, testInfo, 'state-02-group-composer-target', 'group composer');
});

test('the open channel is left: nothing else is selected, and the main view says why', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(300_000);
  const { admin } = await adminAndNurse(clinic, openWorkstation);
  await newChannel(admin, 'Unterhaltung', 'Nachtdienst', 'Bernd Pflege');
  await expect(composerOf(admin, 'Nachtdienst')).toBeVisible();
  await admin.getByRole('button', { name: 'Mitglieder', exact: true }).click();
  await admin.getByRole('button', { name: 'Kanal verlassen', exact: true }).click();
  await admin.getByRole('button', { name: 'Verlassen', exact: true }).click();
  await expect(admin.getByTestId('channel-gone')).toContainText('Sie haben Nachtdienst verlassen.');
  await expect(admin.getByRole('textbox', { name: /^Nachricht an / })).toHaveCount(0);
  await look(admin, testInfo, 'state-03-left-channel', 'left channel');
});

test('the timeline stays after switching tabs: Nachrichten → Umfragen, Dateien, Kalender → Nachrichten', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(300_000);
  const { admin, nurse } = await adminAndNurse(clinic, openWorkstation);
  await newChannel(admin, 'Kanal', 'Station 3B', 'Bernd Pflege');
  await entry(admin, 'Station 3B').click();
  const composer = composerOf(admin, '#Station 3B');
  for (const body of ['Visite um 9', 'Zimmer 4 entlassen', 'Labor ruft zurück']) {
    await composer.fill(body);
    await composer.press('Enter');
  }
  await expect(entry(nurse, 'Station 3B')).toBeVisible({ timeout: 20_000 });
  await entry(nurse, 'Station 3B').click();
  for (const page of [admin, nurse]) {
    await expect(page.getByTestId('message')).toHaveCount(3, { timeout: 20_000 });
    for (const other of ['Umfragen', 'Dateien', 'Kalender'] as const) {
      await page.getByRole('tab', { name: other, exact: true }).click();
      await expect(page.getByRole('tab', { name: other, exact: true })).toHaveAttribute('aria-selected', 'true');
      await page.getByRole('tab', { name: 'Nachrichten', exact: true }).click();
      await expect(page.getByTestId('message')).toHaveText([/Visite um 9/, /Zimmer 4 entlassen/, /Labor ruft zurück/]);
      await expect(page.getByText('Noch keine Nachrichten')).toHaveCount(0);
    }
  }
  // New messages still arrive in the rebuilt timeline.
  await composer.fill('Nach dem Tabwechsel');
  await composer.press('Enter');
  await expect(nurse.getByTestId('message').filter({ hasText: 'Nach dem Tabwechsel' })).toBeVisible({
    timeout: 20_000,
  });
  await look(nurse, testInfo, 'state-04-timeline-after-tabs', 'timeline after tabs');
});

test('a direct chat is named after the other person on both sides: sidebar, title, composer, search', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(300_000);
  const { admin, nurse } = await adminAndNurse(clinic, openWorkstation);
  await newChannel(admin, 'Direktnachricht', '', 'Bernd Pflege');
  await entry(admin, 'Bernd Pflege').click();
  const adminComposer = composerOf(admin, 'Bernd Pflege');
  await adminComposer.fill('Kurze Frage zur Medikation in Zimmer 7');
  await adminComposer.press('Enter');
  await expect(admin.getByTestId('channel-name')).toHaveText('Bernd Pflege');

  const nurseEntry = entry(nurse, 'Anna Admin');
  await expect(nurseEntry).toBeVisible({ timeout: 20_000 });
  await expect(nurse.getByTestId('channel-entry').filter({ hasText: 'Bernd Pflege' })).toHaveCount(0);
  await nurseEntry.click();
  await expect(nurse.getByTestId('channel-name')).toHaveText('Anna Admin');
  const nurseComposer = composerOf(nurse, 'Anna Admin');
  await expect(nurseComposer).toHaveAttribute('placeholder', 'Nachricht an Anna Admin');
  await expect(nurse.getByTestId('message').filter({ hasText: 'Kurze Frage zur Medikation' })).toBeVisible({
    timeout: 20_000,
  });
  await nurseComposer.fill('Gebe ich gleich durch');
  await nurseComposer.press('Enter');
  await look(nurse, testInfo, 'state-05-direct-recipient', 'direct chat at the recipient');

  for (const [page, other] of [
    [nurse, 'Anna Admin'],
    [admin, 'Bernd Pflege'],
  ] as const) {
    await page
      .getByRole('button', { name: /Suchen/ })
      .first()
      .click();
    await page.getByLabel('Suchbegriff').fill('Medikation');
    const hit = page.getByTestId('search-hit').filter({ hasText: 'Medikation' });
    await expect(hit).toBeVisible({ timeout: 20_000 });
    await expect(hit.locator('.channel')).toHaveText(other);
    if (page === nurse) await shot(nurse, testInfo, 'state-06-direct-search');
    await page.keyboard.press('Escape');
  }
});

test('a message on screen in a focused window is read at once; in a window without focus only once it comes back', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(300_000);
  const { admin, nurse } = await adminAndNurse(clinic, openWorkstation);
  await newChannel(admin, 'Kanal', 'Station 5', 'Bernd Pflege');
  await entry(admin, 'Station 5').click();
  const composer = composerOf(admin, '#Station 5');
  await composer.fill('Guten Morgen');
  await composer.press('Enter');
  await expect(entry(nurse, 'Station 5')).toBeVisible({ timeout: 20_000 });
  await entry(nurse, 'Station 5').click();
  await expect(nurse.getByTestId('message').filter({ hasText: 'Guten Morgen' })).toBeVisible({ timeout: 20_000 });
  const badge = entry(nurse, 'Station 5').getByTestId('unread-badge');
  await expect(badge).toHaveCount(0, { timeout: 5_000 });

  for (let i = 1; i <= 3; i++) {
    await composer.fill(`Neuer Patient ${i}`);
    await composer.press('Enter');
    await expect(nurse.getByTestId('message').filter({ hasText: `Neuer Patient ${i}` })).toBeVisible({
      timeout: 20_000,
    });
    // On screen, focused, scrolled to the end: read, and the badge goes without any other change.
    await expect(badge).toHaveCount(0, { timeout: 3_000 });
  }

  // The nurse's window loses focus (she turned to the patient file): the next message stays unread.
  await nurse.evaluate(() => {
    Object.defineProperty(document, 'hasFocus', { configurable: true, value: () => false });
    window.dispatchEvent(new Event('blur'));
  });
  await composer.fill('Bitte Rückruf Labor');
  await composer.press('Enter');
  await expect(nurse.getByTestId('message').filter({ hasText: 'Bitte Rückruf Labor' })).toBeVisible({
    timeout: 20_000,
  });
  await expect(badge).toHaveText(/^1/, { timeout: 5_000 });
  await shot(nurse, testInfo, 'state-07-unread-unfocused');
  await nurse.evaluate(() => {
    delete (document as unknown as { hasFocus?: unknown }).hasFocus;
    window.dispatchEvent(new Event('focus'));
  });
  await expect(badge).toHaveCount(0, { timeout: 3_000 });
  await look(nurse, testInfo, 'state-08-read-focused', 'read when focused');
});
