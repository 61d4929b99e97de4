// Steps the e2e tests share: what a person does on the first-run and lock screens.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';
import type { MethodInput, MethodOutput } from '@klinikfunk/protocol/api/contract.ts';
import type { MethodName } from '@klinikfunk/protocol/api/names.ts';
import type { Result } from '@klinikfunk/protocol/api/result.ts';

export const ADMIN_PASS = 'Sonnenblume-Station-3-Nord';
export const NURSE_PASS = 'Kaffeepause-im-Nachtdienst';
export const PIN = '482915';

/** Saves a screenshot as a test artifact (never committed) and attaches it to the report. */
export async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** Zero serious or critical axe violations on the current screen. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Legacy mode: the app has no frames, and the default mode opens a blank page and injects axe
  // into it again for every scan, the slowest part of admin.spec's 14 scans on a loaded machine.
  const results = await new AxeBuilder({ page })
    .setLegacyMode()
    .options({ resultTypes: ['violations'] })
    .analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${screen}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
}

export async function createOrganisation(page: Page, relay: { url: string; setupCode: string }): Promise<void> {
  await page.getByRole('button', { name: 'Organisation anlegen' }).first().click();
  await page.getByLabel('Name der Einrichtung').fill('Klinikum Nord');
  await page.getByLabel('Ihr Name').fill('Anna Admin');
  await page.getByLabel('Serveradresse').fill(relay.url);
  await page.getByLabel('Einrichtungscode des Servers').fill(relay.setupCode);
  await page.getByLabel('Passphrase', { exact: true }).fill(ADMIN_PASS);
  await page.getByLabel('Passphrase wiederholen').fill(ADMIN_PASS);
  await page.getByRole('button', { name: 'Organisation anlegen' }).last().click();
}

export async function setPin(page: Page, pin = PIN): Promise<void> {
  await page.getByLabel('Neue PIN').fill(pin);
  await page.getByLabel('PIN wiederholen').fill(pin);
  await page.getByRole('button', { name: 'PIN speichern' }).click();
}

/** Calls the API from a page, the way the renderer does (through the bridge and the IPC router). */
export async function invoke<M extends MethodName>(
  page: Page,
  method: M,
  input: MethodInput<M>,
): Promise<MethodOutput<M>> {
  const result = (await page.evaluate(
    ([m, i]) =>
      (window as unknown as { klinikfunk: { invoke(m: string, i: unknown): Promise<unknown> } }).klinikfunk.invoke(
        m,
        i,
      ),
    [method, input] as const,
  )) as Result<MethodOutput<M>>;
  if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

/** In the open admin view: adds a user and reads the registration key off the letter, then hides it. */
export async function addUserWithKey(
  admin: Page,
  name: string,
  options: { ward?: string; role?: 'Mitglied' | 'Administration' } = {},
): Promise<string> {
  await admin.getByLabel('Name', { exact: true }).fill(name);
  if (options.role) await admin.getByLabel('Rolle').selectOption({ label: options.role });
  if (options.ward) await admin.getByLabel('Station oder Bereich (optional)').fill(options.ward);
  await admin.getByRole('button', { name: 'Hinzufügen und Schlüssel erstellen' }).click();
  await expect(admin.getByText('Ihr Zugang zu Klinikfunk').first()).toBeVisible({ timeout: 15_000 });
  const key = /([0-9A-Z]{4}-){7}[0-9A-Z]{4}/.exec(
    (await admin.locator('.letter-view').innerText()).replace(/\s+/g, ' '),
  )?.[0];
  expect(key).toBeDefined();
  await admin.getByRole('button', { name: 'Fertig – Schlüssel ausblenden' }).click();
  return key!;
}

/** Joins with a registration key from the first-run screen, sets the PIN and waits until online. */
export async function joinWithKey(
  page: Page,
  relayUrl: string,
  key: string,
  passphrase: string,
  pin: string,
): Promise<void> {
  await page.getByRole('button', { name: 'Mit Registrierungsschlüssel beitreten' }).first().click();
  await page.getByLabel('Registrierungsschlüssel').fill(key);
  await page.getByLabel('Serveradresse').fill(relayUrl);
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Passphrase wiederholen').fill(passphrase);
  await page.getByRole('button', { name: 'Beitreten', exact: true }).click();
  await setPin(page, pin);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
}

export const CHANNEL = 'Station 3B';

/** The first-run flow of first-run.spec.ts, condensed: an admin, a nurse who joined, a shared channel. */
export async function twoStaff(
  clinic: { url: string; setupCode: string },
  openWorkstation: (label?: string) => Promise<{ page: Page }>,
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
  await expect(nurse.getByText('Bernd Pflege').first()).toBeVisible({ timeout: 20_000 });

  await admin.getByRole('button', { name: 'Neuer Kanal' }).first().click();
  const newChannel = admin.getByRole('dialog', { name: 'Neuer Kanal' });
  await newChannel.getByLabel('Name', { exact: true }).fill(CHANNEL);
  await newChannel.getByRole('checkbox', { name: /Bernd Pflege/ }).check();
  await newChannel.getByRole('button', { name: 'Anlegen', exact: true }).click();
  await admin.getByTestId('channel-entry').filter({ hasText: CHANNEL }).click();
  const nurseEntry = nurse.getByTestId('channel-entry').filter({ hasText: CHANNEL });
  await expect(nurseEntry).toBeVisible({ timeout: 20_000 });
  await nurseEntry.click();
  return { admin, nurse };
}
