// `npm run demo` as a newcomer runs it: the demo process (with its relay process) seeds the clinic
// through the API and prints two workstation addresses with their PINs; both load in Chromium,
// sign in with the printed PINs and show the seeded handover, the poll and the recurring handover
// appointment. Ctrl+C (SIGINT to the process group, as a terminal sends it) stops everything and
// removes the demo's data folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { shot } from './steps.ts';

const DEMO = fileURLToPath(new URL('../harness/demo/main.ts', import.meta.url));

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Everything the demo printed so far, and a wait for a pattern in it (bounded). */
function output(child: ChildProcess) {
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return {
    text: () => text,
    async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(text);
        if (match) return match;
        if (!running(child)) throw new Error(`demo ended early:\n${text}`);
        if (Date.now() > until) throw new Error(`demo did not print ${String(pattern)} in time:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    running(child) ? child.once('exit', (code) => resolve(code)) : resolve(child.exitCode),
  );

/** After a failed test: Ctrl+C for the demo and its relay, SIGKILL if that does not end it. */
async function stopDemo(child: ChildProcess): Promise<void> {
  if (!running(child)) return;
  process.kill(-child.pid!, 'SIGINT');
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
  await exited(child);
  clearTimeout(timer);
}

/** The address and the PIN of one profile printed under a workstation's heading. */
function workstation(printed: string, heading: string, profile: string) {
  const block = printed.slice(printed.indexOf(heading));
  const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(block)?.[0];
  const pin = new RegExp(`Profil „${profile}“[^\\n]*\\n\\s+PIN: (\\d+)`).exec(block)?.[1];
  expect(url, `address under ${heading}`).toBeDefined();
  expect(pin, `PIN of ${profile}`).toBeDefined();
  return { url: url!, pin: pin! };
}

async function unlock(page: Page, name: string, pin: string): Promise<void> {
  const profiles = page.getByTestId('lock-profile');
  if ((await profiles.count()) > 1) await profiles.filter({ hasText: name }).click();
  await page.getByLabel(`PIN für ${name}`).fill(pin);
  await page.getByRole('button', { name: 'Entsperren' }).click();
}

test('npm run demo: a seeded clinic on two workstations, stopped cleanly with Ctrl+C', async ({
  browser,
}, testInfo) => {
  test.setTimeout(300_000);
  // Its own process group, so SIGINT reaches the demo and its relay as a terminal's Ctrl+C does.
  const child = spawn(process.execPath, [DEMO], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = output(child);
  const contexts = [];
  try {
    await out.waitFor(/Beenden mit Strg\+C/, 120_000);
    const printed = out.text();
    const dataDir = /Demo-Daten liegen in: (\S+)/.exec(printed)?.[1];
    expect(dataDir).toBeDefined();
    const ward = workstation(printed, 'Stationsrechner 3A', 'Lena Hoffmann');
    const doctor = workstation(printed, 'Arztzimmer Innere', 'Dr. Miriam Schäfer');

    for (const [name, at, person, conversation, file] of [
      ['stationsrechner-3a', ward, 'Lena Hoffmann', 'Wundversorgung Zimmer 12', 'Wunde_Zimmer-12_Verbandswechsel.png'],
      ['arztzimmer', doctor, 'Dr. Miriam Schäfer', 'Station 4B Chirurgie', 'Verlegungsbericht_Zimmer-12_DEMO.pdf'],
    ] as const) {
      const context = await browser.newContext({
        viewport: { width: 1366, height: 768 },
        locale: 'de-DE',
        timezoneId: 'Europe/Berlin',
      });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(at.url);
      await expect(page.getByText('Klinikfunk ist gesperrt')).toBeVisible({ timeout: 20_000 });
      await shot(page, testInfo, `demo-${name}-gesperrt`);
      await unlock(page, person, at.pin);
      const channel = page.getByTestId('channel-entry').filter({ hasText: 'Station 3A Innere' });
      await expect(channel).toBeVisible({ timeout: 20_000 });
      await channel.click();
      await expect(page.getByText('Zimmer 12, Herr M.: ruhige Nacht, Verbandswechsel').first()).toBeVisible({
        timeout: 20_000,
      });
      await expect(page.getByText('Kalium 6,1 mmol/l').first()).toBeVisible();
      await shot(page, testInfo, `demo-${name}`);

      await page.getByRole('tab', { name: 'Umfragen', exact: true }).click();
      await expect(page.getByText('Fortbildung Wundmanagement im Januar').first()).toBeVisible({ timeout: 20_000 });
      await shot(page, testInfo, `demo-${name}-umfragen`);
      await page.getByRole('tab', { name: 'Kalender', exact: true }).click();
      await expect(page.getByText('Übergabe Nacht → Früh').first()).toBeVisible({ timeout: 20_000 });
      await shot(page, testInfo, `demo-${name}-kalender`);
      await page.getByRole('tab', { name: 'Nachrichten', exact: true }).click();

      // The photo on the ward PC, the transfer letter in the doctor's office (the Dateien tab).
      await page.getByTestId('channel-entry').filter({ hasText: conversation }).click();
      await page.getByRole('tab', { name: 'Dateien', exact: true }).click();
      await expect(page.getByText(file).first()).toBeVisible({ timeout: 20_000 });
      await shot(page, testInfo, `demo-${name}-dateien`);
      await page
        .getByTestId('file-row')
        .filter({ hasText: file })
        .getByRole('button', { name: /öffnen/ })
        .click();
      const preview = page.getByRole('dialog', { name: file });
      await expect(preview).toBeVisible({ timeout: 20_000 });
      if (file.endsWith('.pdf'))
        await expect(preview.getByTestId('pdf-page-text')).toContainText('Verlegungsbericht', { timeout: 20_000 });
      // The PNG the demo drew decodes in Chromium at its full size.
      else await expect(preview.locator('img')).toHaveJSProperty('naturalWidth', 640, { timeout: 20_000 });
      await shot(page, testInfo, `demo-${name}-vorschau`);
      await page.keyboard.press('Escape');
    }

    for (const context of contexts.splice(0)) await context.close();
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited(child)).toBe(0);
    expect(out.text()).toContain('Beendet.');
    await expect(access(dataDir!)).rejects.toThrow();
  } finally {
    for (const context of contexts) await context.close();
    await stopDemo(child);
  }
});

test('npm run demo -- --empty: one empty workstation and a relay waiting for its first-run set-up', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const child = spawn(process.execPath, [DEMO, '--empty'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = output(child);
  try {
    await out.waitFor(/Beenden mit Strg\+C/, 60_000);
    const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(out.text())?.[0];
    expect(out.text()).toMatch(/Einrichtungscode des Servers: +\S{16,}/);
    await page.goto(url!);
    await expect(page.getByRole('button', { name: 'Organisation anlegen' }).first()).toBeVisible({ timeout: 20_000 });
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited(child)).toBe(0);
  } finally {
    await stopDemo(child);
  }
});
