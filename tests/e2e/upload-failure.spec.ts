// A failed upload on two workstations against a real relay process whose blob quota is too small
// for what the nurse sends (issue 17): the item in her timeline keeps the files and the caption,
// says "Hochladen fehlgeschlagen – erneut versuchen oder entfernen" and why (the server takes no
// more files: tell IT), and the doctor sees nothing of the group. IT raises the quota and restarts
// the relay; "Erneut versuchen" then sends the files with the caption as one item, and the doctor
// gets one notification for them. Screenshots in German at 1366x768 of the failed item; axe.
import type { Page } from '@playwright/test';
import { startClinicRelay } from '../harness/clinic-relay.ts';
import { test, expect, type OpenWorkstation } from './fixtures.ts';
import { expectAccessible, shot, twoStaff } from './steps.ts';

const fileItems = (page: Page) => page.getByTestId('timeline-item').and(page.locator('[data-kind="file"]'));
const text = (size: number, fill: string) => Buffer.from(fill.repeat(Math.ceil(size / fill.length)).slice(0, size));

test('a failed upload says what happened, keeps the caption, and sends it all once retried', async ({
  openWorkstation,
}, testInfo) => {
  test.setTimeout(300_000);
  // The relay's limits as IT set them; raised later, before a restart.
  const limits = { blobQuotaBytes: 300_000 };
  const clinic = await startClinicRelay({ limits });
  try {
    const opened: OpenWorkstation[] = [];
    const { admin: doctor, nurse } = await twoStaff(clinic, async (label) => {
      const station = await openWorkstation(label);
      opened.push(station);
      return station;
    });
    const doctorStation = opened[0]!.workstation;

    await nurse.getByTestId('attach-input').setInputFiles([
      { name: 'Laborwerte.txt', mimeType: 'text/plain', buffer: text(150_000, 'Kalium 4,1 mmol/l; ') },
      { name: 'Verlauf.txt', mimeType: 'text/plain', buffer: text(250_000, 'Temperatur 37,2 °C; ') },
    ]);
    const tray = nurse.getByTestId('attach-tray');
    await expect(tray.getByTestId('tray-item')).toHaveCount(2);
    await tray.getByLabel('Beschriftung (wird verschlüsselt mitgesendet)').fill('Laborwerte Zimmer 12');
    await tray.getByTestId('tray-send').click();

    const upload = nurse.getByTestId('timeline-upload');
    await expect(upload).toHaveAttribute('data-state', 'failed', { timeout: 60_000 });
    await expect(upload.getByTestId('upload-status')).toHaveText(
      'Hochladen fehlgeschlagen – erneut versuchen oder entfernen',
    );
    await expect(upload.getByTestId('upload-message')).toContainText(
      'Der Server nimmt von diesem Arbeitsplatz keine weiteren Dateien an',
    );
    // Nothing typed is lost: the files and the caption stay in the item.
    await expect(upload).toContainText('Laborwerte Zimmer 12');
    await expect(upload.getByTestId('upload-file')).toHaveCount(2);
    await expect(upload.getByRole('button', { name: 'Erneut versuchen' })).toBeVisible();
    await expect(upload.getByRole('button', { name: /nicht senden und entfernen$/ })).toHaveText('Entfernen');
    // The conversation is not empty any more: its start says where it begins, not "Noch keine Nachrichten".
    await expect(nurse.getByText(/^Anfang von /)).toBeVisible();
    await expect(nurse.getByText('Noch keine Nachrichten', { exact: false })).toHaveCount(0);
    await shot(nurse, testInfo, 'upload-failed');
    await expectAccessible(nurse, 'a failed upload in the timeline');
    // The doctor sees nothing of the group.
    await expect(fileItems(doctor)).toHaveCount(0);

    // IT raises the quota and restarts the relay; the nurse's workstation reconnects by itself.
    limits.blobQuotaBytes = 10_000_000;
    await clinic.relay.stop();
    await clinic.relay.restart();
    await expect(nurse.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 60_000 });
    await upload.getByRole('button', { name: 'Erneut versuchen' }).focus();
    await nurse.keyboard.press('Enter');
    await expect(upload).toHaveCount(0, { timeout: 60_000 });

    for (const page of [nurse, doctor]) {
      const item = fileItems(page);
      await expect(item).toHaveCount(1, { timeout: 45_000 });
      await expect(item.getByTestId('timeline-file-group')).toHaveAttribute('data-count', '2', { timeout: 30_000 });
      await expect(item.getByText('Laborwerte Zimmer 12')).toHaveCount(1);
      // Files and no text message: still not an empty conversation.
      await expect(page.getByText(/^Anfang von /)).toBeVisible();
      await expect(page.getByText('Noch keine Nachrichten', { exact: false })).toHaveCount(0);
    }
    await shot(doctor, testInfo, 'upload-retried-at-doctor');
    // One notification at the doctor for both files (sender only: the default content rule).
    await expect
      .poll(() => doctorStation.platform.notifier.shown.map((n) => n.title), { timeout: 20_000 })
      .toContain('Bernd Pflege hat 2 Dateien geteilt');
    expect(doctorStation.platform.notifier.shown.filter((n) => n.title.includes('Datei'))).toEqual([
      { title: 'Bernd Pflege hat 2 Dateien geteilt', tag: expect.any(String), urgent: false },
    ]);
  } finally {
    await clinic.relay.dispose();
  }
});
