// Deactivation on a shared ward PC, two workstations against a real relay: the admin deactivates
// one of the two people signed in on the ward PC. Only that profile is signed out; the lock screen
// and that profile's tile say why (with the time); the other person unlocks and works on; signing
// the deactivated profile in again comes back to its notice instead of silently to the lock
// screen; the admin's device list says "Benutzer deaktiviert", not "Aktiv".
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { addUserWithKey, createOrganisation, invoke, joinWithKey, setPin, shot } from './steps.ts';

const PASS_CLARA = 'Nachtschicht-Tee-Station-3B';

async function joinHere(page: Page, relayUrl: string, key: string, passphrase: string): Promise<void> {
  await page.getByLabel('Registrierungsschlüssel').fill(key);
  await page.getByLabel('Serveradresse').fill(relayUrl);
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Passphrase wiederholen').fill(passphrase);
  await page.getByRole('button', { name: 'Beitreten', exact: true }).click();
}

test('a deactivated user on a shared ward PC: the notice is on that profile only', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(240_000);
  const { page: admin } = await openWorkstation('Stationsrechner 1');
  await createOrganisation(admin, clinic);
  await setPin(admin);
  await expect(admin.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  await admin.getByRole('button', { name: 'Verwaltung' }).click();
  const berndKey = await addUserWithKey(admin, 'Bernd Pflege');
  const claraKey = await addUserWithKey(admin, 'Clara Nacht');

  const { page: ward } = await openWorkstation('Stationsrechner 3B');
  await joinWithKey(ward, clinic.url, berndKey, 'Kaffeepause-im-Nachtdienst', '739184');
  await ward.keyboard.press('Control+l');
  await ward.getByRole('button', { name: 'Weiteres Profil auf diesem Arbeitsplatz einrichten' }).click();
  await joinHere(ward, clinic.url, claraKey, PASS_CLARA);
  await setPin(ward, '615243');
  await expect(ward.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });

  const clara = (await invoke(admin, 'admin.users', {})).find((u) => u.displayName === 'Clara Nacht')!;
  await invoke(admin, 'admin.updateUser', { userId: clara.userId, active: false });

  // The ward PC: back on the lock screen, Bernd still signed in, Clara named with the reason.
  const blocked = ward.getByTestId('lock-blocked-profiles');
  await expect(blocked).toBeVisible({ timeout: 30_000 });
  await expect(blocked).toContainText('Clara Nacht');
  await expect(blocked).toContainText('Benutzer deaktiviert');
  await expect(blocked).toContainText('Andere Profile hier sind nicht betroffen');
  await expect(blocked).not.toContainText('Bernd Pflege');
  await expect(ward.getByText('Dieses Gerät wurde von Ihrer Administration gesperrt')).toHaveCount(0);
  await expect(ward.getByTestId('lock-profile')).toHaveText(['Bernd Pflege']);
  await shot(ward, testInfo, 'blocked-lock-screen');

  // The sign-in screen: the notice is on Clara's tile; signing her in comes back to it, not silently.
  await ward.getByRole('button', { name: 'Anderes Profil anmelden' }).click();
  const claraTile = ward.locator('label.profile').filter({ hasText: 'Clara Nacht' });
  const berndTile = ward.locator('label.profile').filter({ hasText: 'Bernd Pflege' });
  await expect(claraTile.getByTestId('profile-notice')).toContainText(
    'Ihre Administration hat Clara Nacht deaktiviert',
  );
  await expect(berndTile.getByTestId('profile-notice')).toHaveCount(0);
  await shot(ward, testInfo, 'blocked-sign-in-tile');
  await claraTile.click();
  await ward.getByLabel('Passphrase', { exact: true }).fill(PASS_CLARA);
  await ward.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await expect(ward.getByTestId('lock-blocked-profiles')).toContainText('Clara Nacht', { timeout: 30_000 });

  // Bernd is not affected.
  await ward.getByLabel('PIN für Bernd Pflege').fill('739184');
  await ward.getByRole('button', { name: 'Entsperren' }).click();
  await expect(ward.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });

  // The admin's device list: Clara's device is not "Aktiv".
  await admin.getByRole('tab', { name: 'Geräte', exact: true }).click();
  const row = admin.getByTestId('admin-device-row').filter({ hasText: 'Clara Nacht' });
  await expect(row.getByTestId('admin-device-state')).toHaveText('Benutzer deaktiviert', { timeout: 15_000 });
  await expect(
    admin.getByTestId('admin-device-row').filter({ hasText: 'Bernd Pflege' }).getByTestId('admin-device-state'),
  ).toHaveText('Aktiv');
  await shot(admin, testInfo, 'blocked-admin-devices');
});
