// Shared workstations (issue 8) end to end, against a real relay process: two people with their
// own profile on one PC, each seeing only their own channels, switching user from the lock
// screen; lock drops content (DOM, drafts, clipboard); notifications carry no text; idle lock from
// the platform idle source after the policy time; five wrong PINs sign out and need the
// passphrase; an admin revoking the device ends the session at once. Screenshots at 1366x768,
// axe on every screen touched.
import type { Page } from '@playwright/test';
import { resolvePolicy } from '../../apps/desktop/electron/core/policy/resolve.ts';
import { test, expect } from './fixtures.ts';
import { createOrganisation, expectAccessible, invoke, setPin, shot } from './steps.ts';

const PASS_BERND = 'Kaffeepause-im-Nachtdienst';
const PASS_CLARA = 'Morgenvisite-auf-Intensiv-2';
const PIN_ADMIN = '482915';
const PIN_BERND = '739184';
const PIN_CLARA = '620573';
const TEXT_X = 'Zimmer 12 Verbandswechsel um 10 Uhr';
const TEXT_Y = 'Bett 4 Kalium 6,1 bitte kontrollieren';

async function adminWithOrg(page: Page, clinic: { url: string; setupCode: string }): Promise<void> {
  await createOrganisation(page, clinic);
  await expect(page.getByLabel('Neue PIN')).toBeVisible({ timeout: 20_000 });
  await setPin(page, PIN_ADMIN);
  await expect(page.getByRole('button', { name: 'Neuer Kanal' }).first()).toBeVisible();
}

async function registrationKey(admin: Page, displayName: string): Promise<{ userId: string; key: string }> {
  const { userId } = await invoke(admin, 'admin.addUser', { displayName, role: 'member', ward: null });
  const letter = await invoke(admin, 'admin.createRegistrationKey', { userId });
  return { userId, key: letter.registrationKey };
}

/** The join form, as a person types their registration letter in. */
async function join(page: Page, relayUrl: string, key: string, passphrase: string): Promise<void> {
  await page.getByLabel('Registrierungsschlüssel').fill(key);
  await page.getByLabel('Serveradresse').fill(relayUrl);
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Passphrase wiederholen').fill(passphrase);
  await page.getByRole('button', { name: 'Beitreten', exact: true }).click();
  await expect(page.getByLabel('Neue PIN')).toBeVisible({ timeout: 20_000 });
}

async function unlockAs(page: Page, name: string, pin: string): Promise<void> {
  const profiles = page.getByTestId('lock-profile');
  if ((await profiles.count()) > 1) await profiles.filter({ hasText: name }).click();
  await page.getByLabel(`PIN für ${name}`).fill(pin);
  await page.getByRole('button', { name: 'Entsperren' }).click();
}

test('two people on one workstation: own channels only, switching user from the lock screen, lock drops content', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(180_000);
  const { page: admin } = await openWorkstation('Stationsrechner 1');
  await adminWithOrg(admin, clinic);
  const bernd = await registrationKey(admin, 'Bernd Pflege');
  const clara = await registrationKey(admin, 'Clara Intensiv');

  // Bernd sets up the ward PC; the first-run screen warns about shared devices (TI-M A_22720).
  const { page, workstation } = await openWorkstation('Stationsrechner 2');
  await expect(page.getByRole('heading', { name: 'Gemeinsam genutzte Geräte' })).toBeVisible();
  await page.getByRole('button', { name: 'Mit Registrierungsschlüssel beitreten' }).first().click();
  await join(page, clinic.url, bernd.key, PASS_BERND);
  await expect(page.getByTestId('session-rules')).toContainText('nach 5 Minuten');
  await expect(page.getByTestId('session-rules')).toContainText('Nach 5 falschen PINs');
  await shot(page, testInfo, 'ws-01-set-pin-rules');
  await expectAccessible(page, 'set PIN');
  await setPin(page, PIN_BERND);
  await expect(page.getByRole('button', { name: 'Neuer Kanal' }).first()).toBeVisible();

  // Clara adds her own profile from the lock screen.
  await page.keyboard.press('Control+l');
  await expect(page.getByText('Klinikfunk ist gesperrt')).toBeVisible();
  await page.getByRole('button', { name: 'Weiteres Profil auf diesem Arbeitsplatz einrichten' }).click();
  await expect(page.getByRole('heading', { name: 'Weiteres Profil einrichten' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Gemeinsam genutzte Geräte' })).toBeVisible();
  // This PC already belongs to an organisation: the join form, and creating one only as a small link.
  await expect(page.getByLabel('Registrierungsschlüssel', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Organisation anlegen', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'neue Organisation anlegen' })).toBeVisible();
  // The server address of the profile already here is filled in.
  await expect(page.getByLabel('Serveradresse')).toHaveValue(clinic.url);
  await expect(page.getByText('Dieselbe Adresse wie bei den anderen Profilen', { exact: false })).toBeVisible();
  await shot(page, testInfo, 'ws-02-add-profile');
  await expectAccessible(page, 'add profile');
  await join(page, clinic.url, clara.key, PASS_CLARA);
  await setPin(page, PIN_CLARA);
  await expect(page.getByRole('button', { name: 'Neuer Kanal' }).first()).toBeVisible();

  // The admin makes one channel per person, once both devices are known (keys go to known devices).
  await expect
    .poll(async () => (await invoke(admin, 'admin.deviceList', {})).filter((d) => !d.own && !d.revoked).length, {
      timeout: 20_000,
    })
    .toBe(2);
  const { channelId: x } = await invoke(admin, 'channels.create', {
    kind: 'channel',
    name: 'Station 3B',
    memberUserIds: [bernd.userId],
  });
  const { channelId: y } = await invoke(admin, 'channels.create', {
    kind: 'channel',
    name: 'Intensiv 2',
    memberUserIds: [clara.userId],
  });
  await invoke(admin, 'messages.send', { channelId: x, body: TEXT_X });
  await invoke(admin, 'messages.send', { channelId: y, body: TEXT_Y });

  // Clara is on screen: her channel, never Bernd's.
  const entryY = page.getByTestId('channel-entry').filter({ hasText: 'Intensiv 2' });
  await expect(entryY).toBeVisible({ timeout: 20_000 });
  await entryY.click();
  const messageY = page.getByTestId('message').filter({ hasText: TEXT_Y });
  await expect(messageY).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('channel-entry').filter({ hasText: 'Station 3B' })).toHaveCount(0);
  expect(await page.content()).not.toContain('Verbandswechsel');

  // Notifications: Clara's (on screen) names the sender, Bernd's (locked) only "new message"; no text.
  await expect.poll(() => workstation.platform.notifier.shown.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  const shown = workstation.platform.notifier.shown;
  expect(shown.every((n) => n.body === undefined)).toBe(true);
  expect(JSON.stringify(shown)).not.toMatch(/Kalium|Verbandswechsel|Station 3B|Intensiv 2/);
  expect(shown.map((n) => n.title)).toEqual(
    expect.arrayContaining(['Neue Nachricht von Anna Admin', 'Klinikfunk: Neue Nachricht']),
  );

  // Copy goes through the core onto the clipboard; a draft is typed but not sent.
  await messageY.hover();
  await shot(page, testInfo, 'ws-03a-message-actions-copy');
  await expectAccessible(page, 'channel view with copy action');
  await messageY.getByRole('button', { name: 'Text der Nachricht von Anna Admin kopieren' }).click();
  await expect.poll(() => workstation.platform.clipboard.text).toBe(TEXT_Y);
  await expect(page.getByText('Text kopiert. Klinikfunk leert die Zwischenablage nach 60 Sekunden')).toBeAttached();
  const composer = page.getByRole('textbox', { name: 'Nachricht an #Intensiv 2', exact: true });
  await composer.fill('Entwurf: Angehörige von Bett 4 anrufen');

  // The lock button: nothing of Clara's stays in the DOM, in the composer's memory, or on the clipboard.
  await page.getByRole('button', { name: 'Sperren', exact: true }).click();
  await expect(page.getByText('Klinikfunk ist gesperrt')).toBeVisible();
  const html = await page.content();
  for (const text of ['Kalium', 'Intensiv 2', 'Angehörige von Bett 4', 'Text kopiert'])
    expect(html).not.toContain(text);
  await expect.poll(() => workstation.platform.clipboard.text).toBe('');
  await expect(page.getByTestId('lock-profile')).toHaveText(['Bernd Pflege', 'Clara Intensiv']);
  await page.getByTestId('lock-profile').filter({ hasText: 'Bernd Pflege' }).click();
  await shot(page, testInfo, 'ws-03-lock-two-profiles');
  await expectAccessible(page, 'lock screen with two profiles');

  // Switch user: Bernd, with Clara's PIN first (refused), then his own.
  await unlockAs(page, 'Bernd Pflege', PIN_CLARA);
  await expect(page.getByText('Die PIN ist falsch.')).toBeVisible();
  await page.getByLabel('PIN für Bernd Pflege').fill(PIN_BERND);
  await page.getByRole('button', { name: 'Entsperren' }).click();
  const entryX = page.getByTestId('channel-entry').filter({ hasText: 'Station 3B' });
  await expect(entryX).toBeVisible({ timeout: 20_000 });
  await entryX.click();
  await expect(page.getByTestId('message').filter({ hasText: TEXT_X })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('channel-entry').filter({ hasText: 'Intensiv 2' })).toHaveCount(0);
  const bernsView = await page.content();
  for (const text of ['Kalium', 'Intensiv 2', 'Angehörige von Bett 4']) expect(bernsView).not.toContain(text);
  await shot(page, testInfo, 'ws-04-bernd-main');

  // Back to Clara: her draft was dropped with the lock.
  await page.keyboard.press('Control+l');
  await expect(page.getByText('Klinikfunk ist gesperrt')).toBeVisible();
  expect(await page.content()).not.toContain('Verbandswechsel');
  await unlockAs(page, 'Clara Intensiv', PIN_CLARA);
  await page.getByTestId('channel-entry').filter({ hasText: 'Intensiv 2' }).click();
  await expect(page.getByRole('textbox', { name: 'Nachricht an #Intensiv 2', exact: true })).toHaveValue('');
  await expect(page.getByTestId('channel-entry').filter({ hasText: 'Station 3B' })).toHaveCount(0);

  // The sign-in screen lists both profiles by name only and offers another profile.
  await page.keyboard.press('Control+l');
  await page.getByRole('button', { name: 'Anderes Profil anmelden' }).click();
  await expect(page.getByRole('heading', { name: 'Anmelden' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Weiteres Profil auf diesem Arbeitsplatz einrichten' })).toBeVisible();
  await shot(page, testInfo, 'ws-05-sign-in-profiles');
  await expectAccessible(page, 'sign in');
});

test('idle lock after the policy time, five wrong PINs sign out, an admin revoking the device ends the session', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(150_000);
  const { page: admin } = await openWorkstation('Stationsrechner 1');
  await adminWithOrg(admin, clinic);
  const bernd = await registrationKey(admin, 'Bernd Pflege');

  // A reception-like policy: lock after 30 s without input.
  const policy = resolvePolicy([{ name: 'file', kind: 'json', values: { idleLockSeconds: 30 }, path: 'policy.json' }]);
  const { page, workstation } = await openWorkstation('Empfang 1', { policy });
  await page.getByRole('button', { name: 'Mit Registrierungsschlüssel beitreten' }).first().click();
  await join(page, clinic.url, bernd.key, PASS_BERND);
  await expect(page.getByTestId('session-rules')).toContainText('nach 30 Sekunden');
  await setPin(page, PIN_BERND);
  const newChannel = page.getByRole('button', { name: 'Neuer Kanal' }).first();
  await expect(newChannel).toBeVisible();

  // Idle: 25 s is not enough (the core checks every 5 s), 30 s locks.
  workstation.platform.idle.seconds = 25;
  await page.waitForTimeout(6_000);
  await expect(newChannel).toBeVisible();
  workstation.platform.idle.seconds = 30;
  await expect(page.getByText('Klinikfunk ist gesperrt')).toBeVisible({ timeout: 8_000 });
  workstation.platform.idle.seconds = 0;
  await shot(page, testInfo, 'ws-06-idle-locked');

  // Five wrong PINs, with the backoff the core imposes; the fourth warns, the fifth signs out.
  const pinField = page.getByLabel('PIN für Bernd Pflege');
  const unlock = page.getByRole('button', { name: 'Entsperren' });
  for (let attempt = 1; attempt <= 5; attempt++) {
    await expect(unlock).toBeEnabled({ timeout: 10_000 });
    await pinField.fill('951357');
    await unlock.click();
    if (attempt < 5) await expect(page.getByText('Die PIN ist falsch.')).toBeVisible();
    if (attempt === 3) {
      await expect(page.getByText(/Nächster Versuch in \d Sekunden?\./)).toBeVisible();
      await expect(unlock).toBeDisabled();
      await shot(page, testInfo, 'ws-07-pin-backoff');
      await expectAccessible(page, 'lock screen with backoff');
    }
    if (attempt === 4) await expect(page.getByText('Noch 1 Versuch, danach ist die Passphrase nötig.')).toBeVisible();
  }
  await expect(page.getByRole('heading', { name: 'Anmelden' })).toBeVisible({ timeout: 10_000 });
  await expect(page.getByText('Nach zu vielen falschen PINs wurden Sie abgemeldet')).toBeVisible();
  expect(
    workstation.core.sessions.runtime((await invoke(page, 'session.status', {})).profiles[0]!.profileId),
  ).toBeUndefined();
  await shot(page, testInfo, 'ws-08-signed-out-pins');
  await expectAccessible(page, 'sign in after wrong PINs');

  // The passphrase opens it again (the PIN stays set).
  await page.getByLabel('Passphrase', { exact: true }).fill(PASS_BERND);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await expect(newChannel).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 15_000 });

  // The admin revokes this device (the admin view's button calls the same method).
  const device = (await invoke(admin, 'admin.deviceList', {})).find((d) => d.label === 'Empfang 1');
  expect(device).toBeDefined();
  await invoke(admin, 'admin.revokeDevice', { deviceId: device!.deviceId });
  await expect(page.getByTestId('profile-notice')).toContainText('Gerät gesperrt', { timeout: 20_000 });
  await expect(page.getByRole('heading', { name: 'Anmelden' })).toBeVisible();
  await expect(page.getByTestId('channel-entry')).toHaveCount(0);
  expect((await invoke(page, 'session.status', {})).lastSignOutReason).toBe('revoked');
  await shot(page, testInfo, 'ws-09-revoked');
  await expectAccessible(page, 'sign in after revocation');
});
