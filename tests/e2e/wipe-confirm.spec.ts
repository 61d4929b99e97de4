// The admin learns that a remote wipe ran (issue 15, item 8): three workstations on a real relay
// process. The admin revokes and wipes a member's workstation that is connected: it deletes its
// profile after it confirmed the wipe with its own key, and the admin's device list says
// "Fernlöschung ausgeführt am <local date and time>" without a reload. A workstation that is off
// the relay when its wipe is ordered says "Fernlöschung angeordnet am …, noch nicht ausgeführt".
// The audit log lists the execution. Screenshot of the device list at 1366x768 in German.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import {
  addUserWithKey,
  createOrganisation,
  expectAccessible,
  joinWithKey,
  NURSE_PASS,
  setPin,
  shot,
} from './steps.ts';

const tab = (page: Page, name: string) => page.getByRole('tab', { name, exact: true });

test('a remote wipe shows when it ran; one not yet executed says so', async ({ clinic, openWorkstation }, testInfo) => {
  test.setTimeout(180_000);
  const { page: admin } = await openWorkstation('Stationsrechner 1');
  await createOrganisation(admin, clinic);
  await setPin(admin);
  await expect(admin.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
  await admin.getByRole('button', { name: 'Verwaltung' }).click();
  const nurseKey = await addUserWithKey(admin, 'Bernd Pflege', { ward: 'Station 3B', role: 'Mitglied' });
  const awayKey = await addUserWithKey(admin, 'Dora Urlaub', { ward: 'Station 3B', role: 'Mitglied' });
  const { page: nurse, workstation: nurseStation } = await openWorkstation('Stationsrechner 2');
  await joinWithKey(nurse, clinic.url, nurseKey, NURSE_PASS, '739184');
  const { page: away, workstation: awayStation } = await openWorkstation('Stationsrechner 3');
  await joinWithKey(away, clinic.url, awayKey, 'Leuchtturm-am-Hafen-Nord', '615273');

  // Stationsrechner 3 loses the relay (switched off, say): its wipe waits.
  await awayStation.core.sessions.visible().transport.close();
  await tab(admin, 'Geräte').click();
  await expect(admin.getByTestId('admin-device-row')).toHaveCount(3);
  await admin
    .getByRole('button', { name: 'Stationsrechner 3 von Dora Urlaub sperren und löschen', exact: true })
    .click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Sperren und löschen', exact: true }).click();
  const awayRow = admin.getByTestId('admin-device-row').filter({ hasText: 'Stationsrechner 3' });
  await expect(awayRow.getByTestId('admin-device-wipe')).toHaveText(
    /^Fernlöschung angeordnet am .+, noch nicht ausgeführt$/,
    { timeout: 15_000 },
  );
  await expect(away.getByTestId('connection-status')).toBeVisible();

  // Stationsrechner 2 is connected: it confirms, then deletes its profile.
  const profileDir = join(
    nurseStation.dataDir,
    readdirSync(nurseStation.dataDir, { withFileTypes: true }).find((e) => e.isDirectory())!.name,
  );
  const orderedFrom = Date.now();
  await admin
    .getByRole('button', { name: 'Stationsrechner 2 von Bernd Pflege sperren und löschen', exact: true })
    .click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Sperren und löschen', exact: true }).click();
  await expect.poll(() => existsSync(profileDir), { timeout: 30_000 }).toBe(false);
  const nurseRow = admin.getByTestId('admin-device-row').filter({ hasText: 'Stationsrechner 2' });
  const executed = nurseRow.getByTestId('admin-device-wipe');
  // No reload: the open list looks again while a wipe waits for its confirmation.
  await expect(executed).toHaveText(/^Fernlöschung ausgeführt am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/, {
    timeout: 30_000,
  });
  const when = Date.parse((await executed.locator('time').getAttribute('datetime'))!);
  expect(when).toBeGreaterThanOrEqual(orderedFrom - 1000);
  expect(when).toBeLessThanOrEqual(Date.now());
  await expect(awayRow.getByTestId('admin-device-wipe')).toContainText('noch nicht ausgeführt');
  await expect(nurse.getByRole('button', { name: 'Mit Registrierungsschlüssel beitreten' }).first()).toBeVisible({
    timeout: 20_000,
  });
  await shot(admin, testInfo, 'wipe-confirmed');
  await expectAccessible(admin, 'admin devices with wipe confirmation');

  // The audit log: the execution, signed by the wiped device's key.
  await tab(admin, 'Protokoll').click();
  const row = admin.locator('[data-testid="admin-audit-row"][data-action="wipe_executed"]');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Fernlöschung ausgeführt');
  await expect(row).toContainText('Stationsrechner 2');
});
