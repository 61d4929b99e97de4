import { readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { test, expect } from './fixtures.ts';
import { expectAccessible } from './steps.ts';

test('the shell loads in German and shows the version from app.info', async ({ page, workstation }, testInfo) => {
  const cspViolations: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') cspViolations.push(msg.text());
  });

  await page.goto(workstation.url);

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Willkommen bei Klinikfunk');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByText('Auf diesem Arbeitsplatz ist noch kein Profil eingerichtet.')).toBeVisible();

  const pkg = JSON.parse(await readFile('apps/desktop/package.json', 'utf8')) as { version: string };
  await expect(page.getByTestId('app-version')).toHaveText(pkg.version);

  const shot = testInfo.outputPath('shell-de-1366x768.png');
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach('shell (German, 1366x768)', { path: shot, contentType: 'image/png' });

  // The app runs under the strict CSP without tripping it.
  expect(cspViolations.filter((m) => m.includes('Content Security Policy'))).toEqual([]);
});

test('switching to English changes the interface language', async ({ page, workstation }) => {
  await page.goto(workstation.url);
  await page.getByLabel('Sprache').selectOption('en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to Klinikfunk');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('the bridge refuses undeclared methods and the router refuses bad input', async ({ page, workstation }) => {
  await page.goto(workstation.url);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const results = await page.evaluate(async () => {
    const api = (window as unknown as { klinikfunk: unknown }).klinikfunk as {
      invoke(m: string, i: unknown): Promise<{ ok: boolean; error?: { code: string } }>;
    };
    return {
      unknown: await api.invoke('profile.readOthers', {}),
      badInput: await api.invoke('app.info', { extra: 1 }),
      good: await api.invoke('app.info', {}),
    };
  });
  expect(results.unknown.error?.code).toBe('unknown_method');
  expect(results.badInput.error?.code).toBe('invalid_input');
  expect(results.good.ok).toBe(true);
});

test('a page without the token gets nothing', async ({ page, workstation }) => {
  const response = await page.goto(workstation.origin + '/');
  expect(response?.status()).toBe(403);
});

test('Supportpaket exportieren saves a ZIP where the save dialog points, and says so', async ({
  page,
  workstation,
}) => {
  await page.goto(workstation.url);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const target = join(workstation.dataDir, '..', `support-${Date.now()}.zip`);
  workstation.platform.saveDialog.answer = target;
  await page.getByRole('button', { name: 'Supportpaket exportieren' }).click();
  await expect(page.getByTestId('support-status')).toContainText(`Supportpaket gespeichert: ${basename(target)}`);
  const zip = await readFile(target);
  expect(zip.subarray(0, 4).toString('hex')).toBe('504b0304');
  await rm(target);
  // Cancelled: nothing is said, nothing written.
  workstation.platform.saveDialog.answer = null;
  await page.getByRole('button', { name: 'Supportpaket exportieren' }).click();
  await expect(page.getByTestId('support-status')).toBeEmpty();
  await expectAccessible(page, 'support export');
});

test('Supportpaket exportieren by keyboard keeps the focus on the button', async ({ page, workstation }) => {
  await page.goto(workstation.url);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const target = join(workstation.dataDir, '..', `support-keys-${Date.now()}.zip`);
  workstation.platform.saveDialog.answer = target;
  const button = page.getByRole('button', { name: 'Supportpaket exportieren' });
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('support-status')).toContainText('Supportpaket gespeichert');
  // A keyboard user goes on from where they were (a button disabled while busy drops the focus).
  await expect(button).toBeFocused();
  await rm(target);
});
