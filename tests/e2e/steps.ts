// Steps the e2e tests share: what a person does on the first-run and lock screens.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';

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
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${screen}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
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
