// An outage that lasts, on two workstations against a real relay process the test stops: after a
// short delay (injected, 20 s in the app) a banner says what is wrong, that messages are kept and
// sent automatically and what to do; a pending urgent message is marked prominently; once the
// relay is back, the message written during the outage shows when it was written and when it
// was delivered. The workstation's clock runs 90 s behind the relay's throughout: a message sent
// online is not marked for that (the time of writing is sealed in relay time, learned from the
// acks), and the one queued through the real outage is. No minute-long waits: "much later" is
// injected as 3 s (60 s in the app), and the outage is held for 5 s.
import type { Page } from '@playwright/test';
import { systemClock, type Clock } from '../../apps/desktop/electron/core/clock/clock.ts';
import { test, expect } from './fixtures.ts';
import { createOrganisation, setPin, shot } from './steps.ts';

async function general(page: Page): Promise<void> {
  const entry = page.getByTestId('channel-entry').filter({ hasText: 'Allgemein' });
  await expect(entry).toBeVisible({ timeout: 30_000 });
  await entry.click();
}

test('a lasting outage: banner, urgent message marked, and both times once delivered', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(180_000);
  let skew = 0;
  const clock: Clock = { now: () => Date.now() + skew, after: (ms, fn) => systemClock.after(ms, fn) };
  const { page } = await openWorkstation('Stationsrechner 1', { outageNoticeMs: 1_500, lateDeliveryMs: 3_000, clock });
  await createOrganisation(page, clinic);
  await setPin(page);
  const status = page.getByTestId('connection-status');
  await expect(status).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  await general(page);
  await expect(page.getByTestId('outage-banner')).toHaveCount(0);

  // From here on the PC's clock runs 90 s behind the relay's: online, no message is marked late.
  skew = -90_000;
  const composer = page.getByRole('textbox', { name: /Nachricht an/ });
  await composer.fill('Visite beginnt um 9 Uhr');
  await composer.press('Enter');
  const online = page.getByTestId('message').filter({ hasText: 'Visite beginnt' });
  await expect(online.getByTestId('delivery')).toHaveAttribute('data-state', 'sent', { timeout: 15_000 });
  await expect(online.getByTestId('late-delivery')).toHaveCount(0);

  await clinic.relay.stop();
  await expect(status).not.toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  await composer.fill('Notfall Zimmer 12: Arzt bitte sofort');
  await page.getByRole('checkbox', { name: /Dringend/ }).check();
  await composer.press('Enter');
  const writtenAt = Date.now();
  await composer.fill('Übergabe verschoben auf 14:30');
  await composer.press('Enter');
  await expect(page.getByTestId('message').filter({ hasText: 'Übergabe verschoben' })).toBeVisible();

  const banner = page.getByTestId('outage-banner');
  await expect(banner).toBeVisible({ timeout: 15_000 });
  await expect(banner).toContainText('Keine Verbindung zum Server seit');
  await expect(banner).toContainText('automatisch gesendet');
  await expect(banner).toContainText('1 dringende Nachricht ist noch nicht zugestellt.');
  await expect(banner).toContainText('2 Nachrichten warten auf Versand.');
  await expect(banner).toContainText('IT');
  const urgent = page.getByTestId('message').filter({ hasText: 'Notfall Zimmer 12' });
  await expect(urgent.getByTestId('delivery')).toContainText('Dringend – noch nicht zugestellt');
  await shot(page, testInfo, 'outage-banner');

  // The outage must outlast the injected "much later" (3 s) by a margin, whatever the machine's
  // speed: on a quiet machine the steps above take under 2 s, and a relay back within 3 s is,
  // correctly, not a late delivery.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, writtenAt + 5_000 - Date.now())));
  await clinic.relay.restart();
  await expect(status).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
  await expect(banner).toHaveCount(0);
  await expect(urgent.getByTestId('late-delivery')).toContainText(/geschrieben \d\d:\d\d · zugestellt \d\d:\d\d/, {
    timeout: 30_000,
  });
  await expect(online.getByTestId('late-delivery')).toHaveCount(0);
  await shot(page, testInfo, 'outage-late-delivery');
});
