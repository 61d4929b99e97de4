// Quick reactions on a shared workstation: Clara reacts in a channel she shares with Bernd, locks,
// and Bernd unlocks his profile on the same PC and opens the same channel. He sees Clara's
// reaction as hers, not pressed as his own: the renderer's reaction list (kept across the main
// view) belongs to the profile that loaded it and goes when another one is on screen. On the way,
// the picker by keyboard: Esc gives the focus back to "Reagieren".
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { createOrganisation, invoke, setPin } from './steps.ts';

const PIN_BERND = '739184';
const PIN_CLARA = '620573';
const TEXT = 'Visite heute um 9 Uhr, bitte Zimmer 12 vorbereiten';

async function registrationKey(admin: Page, displayName: string): Promise<{ userId: string; key: string }> {
  const { userId } = await invoke(admin, 'admin.addUser', { displayName, role: 'member', ward: null });
  const letter = await invoke(admin, 'admin.createRegistrationKey', { userId });
  return { userId, key: letter.registrationKey };
}

async function join(page: Page, relayUrl: string, key: string, passphrase: string, pin: string): Promise<void> {
  await page.getByLabel('Registrierungsschlüssel').fill(key);
  await page.getByLabel('Serveradresse').fill(relayUrl);
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Passphrase wiederholen').fill(passphrase);
  await page.getByRole('button', { name: 'Beitreten', exact: true }).click();
  await expect(page.getByLabel('Neue PIN')).toBeVisible({ timeout: 20_000 });
  await setPin(page, pin);
  await expect(page.getByRole('button', { name: 'Neuer Kanal' }).first()).toBeVisible({ timeout: 20_000 });
}

test("the next person on a shared workstation does not see the previous one's reactions as their own", async ({
  clinic,
  openWorkstation,
}) => {
  test.setTimeout(240_000);
  const { page: admin } = await openWorkstation('Stationsrechner 1');
  await createOrganisation(admin, clinic);
  await expect(admin.getByLabel('Neue PIN')).toBeVisible({ timeout: 20_000 });
  await setPin(admin, '482915');
  await expect(admin.getByRole('button', { name: 'Neuer Kanal' }).first()).toBeVisible();
  const bernd = await registrationKey(admin, 'Bernd Pflege');
  const clara = await registrationKey(admin, 'Clara Intensiv');

  const { page } = await openWorkstation('Stationsrechner 2');
  await page.getByRole('button', { name: 'Mit Registrierungsschlüssel beitreten' }).first().click();
  await join(page, clinic.url, bernd.key, 'Kaffeepause-im-Nachtdienst', PIN_BERND);
  await page.keyboard.press('Control+l');
  await page.getByRole('button', { name: 'Weiteres Profil auf diesem Arbeitsplatz einrichten' }).click();
  await join(page, clinic.url, clara.key, 'Morgenvisite-auf-Intensiv-2', PIN_CLARA);

  await expect
    .poll(async () => (await invoke(admin, 'admin.deviceList', {})).filter((d) => !d.own && !d.revoked).length, {
      timeout: 20_000,
    })
    .toBe(2);
  const { channelId } = await invoke(admin, 'channels.create', {
    kind: 'channel',
    name: 'Station 3B',
    memberUserIds: [bernd.userId, clara.userId],
  });
  await invoke(admin, 'messages.send', { channelId, body: TEXT });

  // Clara (on screen) gives 👍.
  await page.getByTestId('channel-entry').filter({ hasText: 'Station 3B' }).click({ timeout: 20_000 });
  const message = page.getByTestId('message').filter({ hasText: TEXT });
  await expect(message).toBeVisible({ timeout: 20_000 });
  // Every action of a message is there without the pointer or the focus ever having been on it: a
  // screen reader's virtual cursor reads the page without moving the focus, so an action built
  // only on focus never reached its user (the actions come when the page is idle after a render).
  const actions = message.getByRole('group', { name: 'Aktionen zur Nachricht von Anna Admin' });
  await expect(actions.getByRole('button')).toHaveText(['Antworten', 'Reagieren', 'Kopieren', 'Anheften'], {
    timeout: 20_000,
  });
  // By keyboard: Tab from "Antworten" reaches "Reagieren", Enter opens the picker, Tab reaches the
  // first reaction, Esc closes it and puts the focus back on "Reagieren" (not lost to the page,
  // where the message's actions vanish).
  await message.getByRole('button', { name: 'Antworten' }).focus();
  await page.keyboard.press('Tab');
  const picker = message.getByRole('button', { name: 'Reagieren' });
  await expect(picker).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await expect(message.getByRole('button', { name: 'Mit Daumen hoch reagieren' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(message.getByRole('group', { name: 'Reaktion wählen' })).toHaveCount(0);
  await expect(picker).toBeFocused();
  await picker.click();
  await message.getByRole('button', { name: 'Mit Daumen hoch reagieren' }).click();
  const chip = message.getByTestId('reaction');
  await expect(chip).toHaveAttribute('aria-pressed', 'true', { timeout: 10_000 });
  await page.keyboard.press('Escape');

  // Bernd next, in the same channel: Clara's reaction, not his.
  await page.getByRole('button', { name: 'Sperren', exact: true }).click();
  await expect(page.getByText('Klinikfunk ist gesperrt')).toBeVisible();
  await page.getByTestId('lock-profile').filter({ hasText: 'Bernd Pflege' }).click();
  await page.getByLabel('PIN für Bernd Pflege').fill(PIN_BERND);
  await page.getByRole('button', { name: 'Entsperren' }).click();
  await page.getByTestId('channel-entry').filter({ hasText: 'Station 3B' }).click({ timeout: 20_000 });
  await expect(message).toBeVisible({ timeout: 20_000 });
  await expect(chip).toHaveCount(1, { timeout: 20_000 });
  // Read at once: the first list shown must already be his (a later reload would hide a leak).
  expect(await chip.getAttribute('aria-pressed')).toBe('false');
  expect(await chip.getAttribute('title')).toBe('Daumen hoch: 1 – Clara Intensiv');
});
