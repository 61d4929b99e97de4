// Issue 18 item 4 on screen: the clinic moves its relay to another address and IT changes the
// RelayUrl policy. After the restart the profile signs in, follows to the new relay (which proved
// it serves the same organisation), is online there, and the main view and its tile say
// "Die Serveradresse wurde von Ihrer IT auf … geändert." When it moves again to a relay whose
// certificate this PC does not trust, nobody moves and the notice says so.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from '@playwright/test';
import { resolvePolicy } from '../../apps/desktop/electron/core/policy/resolve.ts';
import { startTestRelay, TestOrg } from '../harness/relay.ts';
import { issueServerCert, makeCa } from '../harness/test-ca.ts';
import { startWorkstation, type WorkstationOptions } from '../harness/workstation.ts';
import { test, expect } from './fixtures.ts';
import { ADMIN_PASS, createOrganisation, expectAccessible, setPin, shot } from './steps.ts';

async function openOn(browser: Browser, options: WorkstationOptions) {
  const workstation = await startWorkstation({ ...options, deviceLabel: 'Stationsrechner 1' });
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'de-DE' });
  const page = await context.newPage();
  await page.goto(workstation.url);
  return { page, close: async () => (await context.close(), await workstation.close()) };
}

test('IT moves the relay: the profile follows at its next sign-in and says so', async ({
  clinic,
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const dataDir = await mkdtemp(join(tmpdir(), 'kf-e2e-move-'));
  const caDir = await mkdtemp(join(tmpdir(), 'kf-e2e-move-ca-'));
  let moved: Awaited<ReturnType<typeof startTestRelay>> | null = null;
  let tlsRelay: Awaited<ReturnType<typeof startTestRelay>> | null = null;
  try {
    const before = await openOn(browser, { dataDir });
    await createOrganisation(before.page, clinic);
    await setPin(before.page);
    await expect(before.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', {
      timeout: 20_000,
    });
    await before.close();

    // The relay moves to another port on the same data; IT sets RelayUrl to it.
    await clinic.relay.stop();
    moved = await startTestRelay({
      org: await TestOrg.create(),
      mode: 'process',
      bootstrap: true,
      dataDir: clinic.relay.dataDir,
      envelopeCheck: true,
    });
    const policy = resolvePolicy([
      { name: 'HKLM', kind: 'registry', values: new Map([['RelayUrl', { type: 'REG_SZ', value: moved.url }]]) },
    ]);
    const after = await openOn(browser, { dataDir, policy });
    try {
      const { page } = after;
      await expect(page.getByRole('heading', { name: 'Anmelden' })).toBeVisible();
      await page.getByLabel('Passphrase', { exact: true }).fill(ADMIN_PASS);
      await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
      await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
      const notice = page.getByTestId('profile-notice');
      await expect(notice).toHaveAttribute('data-reason', 'relay_moved');
      await expect(notice).toContainText(`Die Serveradresse wurde von Ihrer IT auf ${moved.url} geändert`);
      await shot(page, testInfo, 'relay-moved-main');
      await expectAccessible(page, 'relay moved notice');
    } finally {
      await after.close();
    }

    // The relay moves again, to TLS with a certificate this PC does not trust: nobody moves, and
    // the user is told to pass it on to IT instead of only the log knowing.
    const ca = await makeCa(caDir, 'unbekannt');
    const cert = await issueServerCert(caDir, ca, 'relay');
    tlsRelay = await startTestRelay({ org: await TestOrg.create(), tls: { cert: cert.fullChain, key: cert.key } });
    const tlsPolicy = resolvePolicy([
      { name: 'HKLM', kind: 'registry', values: new Map([['RelayUrl', { type: 'REG_SZ', value: tlsRelay.url }]]) },
    ]);
    const blocked = await openOn(browser, { dataDir, policy: tlsPolicy });
    try {
      const { page } = blocked;
      await page.getByLabel('Passphrase', { exact: true }).fill(ADMIN_PASS);
      await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
      await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
      const notice = page.getByTestId('profile-notice');
      await expect(notice).toHaveAttribute('data-reason', 'relay_move_blocked');
      await expect(notice).toContainText('Neue Serveradresse nicht erreichbar');
      await expect(notice).toContainText(`auf ${tlsRelay.url} geändert`);
      await shot(page, testInfo, 'relay-move-blocked-main');
      await expectAccessible(page, 'relay move blocked notice');
    } finally {
      await blocked.close();
    }
  } finally {
    await moved?.dispose();
    await tlsRelay?.dispose();
    await rm(dataDir, { recursive: true, force: true });
    await rm(caDir, { recursive: true, force: true });
  }
});
