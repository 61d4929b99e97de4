// The first-run screen's "Mit Klinik-Konto anmelden" beside the registration letter, in German at
// 1366x768: the form (account name, password, server, passphrase), its field errors, and the
// answer of an organisation that has not switched sign-in with the directory password on (the
// relay lists no delegation that allows it). The sign-in itself, with the directory agent and
// slapd, is tests/integration/directory-agent/sign-in.test.ts: this harness starts neither.
import { test, expect } from './fixtures.ts';
import { createOrganisation, expectAccessible, NURSE_PASS, setPin, shot } from './steps.ts';

test('sign-in with the clinic account: the form, its errors, and an organisation that has it off', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(120_000);
  const { page: admin } = await openWorkstation('Stationsrechner 1');
  await createOrganisation(admin, clinic);
  await expect(admin.getByLabel('Neue PIN')).toBeVisible({ timeout: 20_000 });
  await setPin(admin);

  const { page } = await openWorkstation('Stationsrechner 2');
  await page.getByRole('button', { name: 'Mit Klinik-Konto anmelden' }).click();
  const form = page.locator('form');
  await expect(form.getByRole('heading', { name: 'Mit Klinik-Konto anmelden' })).toBeVisible();
  await shot(page, testInfo, '01-directory-sign-in');
  await expectAccessible(page, 'directory sign-in');

  await form.getByRole('button', { name: 'Anmelden und Gerät einrichten' }).click();
  await expect(form.getByText('Bitte geben Sie Ihren Anmeldenamen ein.')).toBeVisible();
  await expect(form.getByText('Bitte geben Sie das Passwort Ihres Klinik-Kontos ein.')).toBeVisible();
  await expect(form.getByLabel('Anmeldename')).toHaveAttribute('aria-invalid', 'true');
  await shot(page, testInfo, '02-directory-sign-in-errors');

  await form.getByLabel('Anmeldename').fill('mmuster');
  await form.getByLabel('Passwort des Klinik-Kontos').fill('Winter-2026!');
  await form.getByLabel('Serveradresse').fill(clinic.url);
  await form.getByLabel('Passphrase', { exact: true }).fill(NURSE_PASS);
  await form.getByLabel('Passphrase wiederholen').fill(NURSE_PASS);
  await form.getByRole('button', { name: 'Anmelden und Gerät einrichten' }).click();
  await expect(page.getByTestId('error')).toContainText('nicht eingeschaltet', { timeout: 30_000 });
  // The password is not kept in the form after an answer.
  await expect(form.getByLabel('Passwort des Klinik-Kontos')).toHaveValue('');
  await expect(form.getByText('Bitte geben Sie das Passwort Ihres Klinik-Kontos ein.')).toHaveCount(0);
  await page.getByTestId('error').scrollIntoViewIfNeeded();
  await shot(page, testInfo, '03-directory-sign-in-not-enabled');
  await expectAccessible(page, 'directory sign-in refused');
});
