// The relay's retention deleted a channel's older messages before a workstation fetched them: the
// timeline says so where its history starts, and the newer messages are there.
import { join } from 'node:path';
import { openSqliteStore } from '../../apps/relay/store/sqlite.ts';
import { test, expect } from './fixtures.ts';
import { addUserWithKey, createOrganisation, joinWithKey, setPin } from './steps.ts';
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

test('older messages deleted by the relay retention: "Ältere Nachrichten wurden nach der Aufbewahrungsfrist gelöscht."', async ({
  clinic,
  openWorkstation,
}) => {
  test.setTimeout(240_000);
  const { page: admin } = await openWorkstation('Stationsrechner 1');
  await createOrganisation(admin, clinic);
  await setPin(admin);
  await expect(admin.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  await admin.getByRole('button', { name: 'Verwaltung' }).click();
  const clara = await addUserWithKey(admin, 'Clara Spät');
  await openGeneral(admin);
  await say(admin, 'Alte Übergabe vom Montag');
  await expect(admin.getByTestId('message').filter({ hasText: 'Alte Übergabe vom Montag' })).toContainText('Gesendet', {
    timeout: 20_000,
  });

  // The relay's retention runs (what its hourly job does with retentionDays): every event so far goes.
  await clinic.relay.stop();
  const store = openSqliteStore(join(clinic.relay.dataDir, 'relay.db'));
  expect((await store.expire(Date.now() + 1)).events).toBeGreaterThan(0);
  await store.close();
  await clinic.relay.restart();
  await expect(admin.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
  await say(admin, 'Neue Übergabe vom Dienstag');

  const { page: late } = await openWorkstation('Stationsrechner 2');
  await joinWithKey(late, clinic.url, clara, 'Frühdienst-Kaffee-Station', '615243');
  await openGeneral(late);
  await expect(late.getByTestId('message').filter({ hasText: 'Neue Übergabe vom Dienstag' })).toBeVisible({
    timeout: 30_000,
  });
  await expect(late.getByTestId('history-start')).toHaveText(
    'Ältere Nachrichten wurden nach der Aufbewahrungsfrist gelöscht.',
  );
  await expect(late.getByTestId('message').filter({ hasText: 'Alte Übergabe vom Montag' })).toHaveCount(0);
  // The workstation that had the older message keeps it and shows no notice.
  await expect(admin.getByTestId('message').filter({ hasText: 'Alte Übergabe vom Montag' })).toBeVisible();
  await expect(admin.getByTestId('history-start')).toHaveCount(0);
});
