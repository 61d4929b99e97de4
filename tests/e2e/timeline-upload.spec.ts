// Sending files from the attach tray on two workstations against a real relay process (issue 17):
// three files with one caption are one item in both timelines (a grid of thumbnails, a card, the
// caption once), not three; a large file shows in the sender's timeline at once as "Wird
// hochgeladen … n %" with "Abbrechen", and cancelled from the keyboard it goes and nothing of it
// reaches the other workstation; the tray waits per channel across tab and channel switches and is
// emptied by the lock; search finds a group's third file and focuses it inside the item. Screenshots in
// German at 1366x768 of the uploading and the grouped item; axe on both.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { samplePdf } from './sample-pdf.ts';
import { expectAccessible, shot, twoStaff } from './steps.ts';

/** A PNG drawn by the browser: one colour with a white square. */
async function photo(page: Page, rgb: string): Promise<Buffer> {
  const dataUrl = await page.evaluate((fill) => {
    const canvas = document.createElement('canvas');
    canvas.width = 400;
    canvas.height = 300;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = fill;
    ctx.fillRect(0, 0, 400, 300);
    ctx.fillStyle = '#fff';
    ctx.fillRect(150, 100, 100, 100);
    return canvas.toDataURL('image/png');
  }, rgb);
  return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}

const fileItems = (page: Page) => page.getByTestId('timeline-item').and(page.locator('[data-kind="file"]'));

test('three files with one caption are one item on both workstations', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(300_000);
  const { admin: doctor, nurse } = await twoStaff(clinic, openWorkstation);

  await nurse.getByTestId('attach-input').setInputFiles([
    { name: 'Wunde-links.png', mimeType: 'image/png', buffer: await photo(nurse, 'rgb(200, 40, 40)') },
    { name: 'Wunde-rechts.png', mimeType: 'image/png', buffer: await photo(nurse, 'rgb(40, 120, 200)') },
    { name: 'Verlegungsbrief.pdf', mimeType: 'application/pdf', buffer: samplePdf(['Verlegungsbrief']) },
  ]);
  const tray = nurse.getByTestId('attach-tray');
  await expect(tray.getByTestId('tray-item')).toHaveCount(3);
  await tray.getByLabel('Beschriftung (wird verschlüsselt mitgesendet)').fill('Wundverlauf Zimmer 12, Tag 3');

  // The tray is the channel's: the Dateien tab and back keeps files and caption.
  await nurse.getByRole('tab', { name: 'Dateien', exact: true }).click();
  await expect(nurse.getByTestId('files-view')).toBeVisible();
  await nurse.getByRole('tab', { name: 'Nachrichten', exact: true }).click();
  await expect(tray.getByTestId('tray-item')).toHaveCount(3);
  await expect(tray.getByLabel('Beschriftung (wird verschlüsselt mitgesendet)')).toHaveValue(
    'Wundverlauf Zimmer 12, Tag 3',
  );
  // And another channel and back.
  await nurse.getByTestId('channel-entry').filter({ hasText: 'Allgemein' }).click();
  await expect(nurse.getByTestId('attach-tray')).toHaveCount(0);
  await nurse.getByTestId('channel-entry').filter({ hasText: 'Station 3B' }).click();
  await expect(tray.getByTestId('tray-item')).toHaveCount(3);
  // Still redaction first for the photos: the tray outlived the composer that first showed it.
  await expect(tray.getByTestId('tray-redact')).toHaveText('Bereiche schwärzen');
  await expect(tray.getByTestId('tray-send')).toHaveText('Ohne Schwärzung senden');

  // The photos go as they are (encoded anew, no metadata): the quiet button.
  await tray.getByTestId('tray-send').click();
  await expect(tray).toBeHidden();

  for (const page of [nurse, doctor]) {
    const item = fileItems(page);
    await expect(item).toHaveCount(1, { timeout: 45_000 });
    const group = item.getByTestId('timeline-file-group');
    await expect(group).toHaveAttribute('data-count', '3', { timeout: 30_000 });
    await expect(item.getByTestId('timeline-thumbnail')).toHaveCount(2, { timeout: 30_000 });
    await expect(item.getByTestId('timeline-file').filter({ hasText: 'Verlegungsbrief.pdf' })).toBeVisible();
    // The caption once, not per file.
    await expect(item.getByText('Wundverlauf Zimmer 12, Tag 3')).toHaveCount(1);
    await expect(item).toContainText('hat 3 Dateien geteilt');
    await expect(page.getByTestId('timeline-upload')).toHaveCount(0);
  }
  await expect(fileItems(doctor).getByTestId('timeline-sender')).toHaveText('Bernd Pflege');
  await shot(doctor, testInfo, 'timeline-grouped');
  await expectAccessible(doctor, 'grouped files in the timeline');

  // An image of the group opens in the preview.
  await fileItems(doctor)
    .getByRole('button', { name: /^Wunde-rechts\.png öffnen/ })
    .click();
  await expect(doctor.getByTestId('preview-image')).toBeVisible({ timeout: 20_000 });
  await doctor.keyboard.press('Escape');

  // The Dateien tab still lists each file.
  await doctor.getByRole('tab', { name: 'Dateien', exact: true }).click();
  await expect(doctor.getByTestId('file-row')).toHaveCount(3, { timeout: 20_000 });

  // Search finds the group's third file; the hit opens the conversation at the group's item with
  // that file focused and marked (not the group's first file).
  await doctor.getByRole('tab', { name: 'Nachrichten', exact: true }).click();
  await doctor.getByTestId('message-list').evaluate((list) => list.parentElement!.scrollTo(0, 0));
  await doctor.keyboard.press('Control+f');
  await doctor.getByLabel('Suchbegriff').fill('Verlegungsbrief');
  const hit = doctor.getByTestId('search-hit').filter({ hasText: 'Verlegungsbrief.pdf' });
  await expect(hit).toHaveCount(1, { timeout: 20_000 });
  await hit.click();
  const found = fileItems(doctor).locator('li.found');
  await expect(found).toHaveCount(1, { timeout: 20_000 });
  await expect(found.getByTestId('timeline-file-name')).toHaveText('Verlegungsbrief.pdf');
  await expect(found.getByRole('button')).toBeFocused();
  await expect(found).toBeInViewport();
  await shot(doctor, testInfo, 'timeline-group-search-hit');

  // The lock empties the tray: nothing of it is in the page, and it is empty after unlocking.
  await nurse.getByTestId('attach-input').setInputFiles({
    name: 'Pflegebericht-Entwurf.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('Entwurf'),
  });
  await tray.getByLabel('Beschriftung (wird verschlüsselt mitgesendet)').fill('Entwurf Pflegebericht');
  await nurse.keyboard.press('Control+l');
  await expect(nurse.getByText('Klinikfunk ist gesperrt')).toBeVisible();
  const html = await nurse.content();
  for (const text of ['Pflegebericht-Entwurf.txt', 'Entwurf Pflegebericht']) expect(html).not.toContain(text);
  await nurse.getByLabel(/PIN für/).fill('739184');
  await nurse.getByRole('button', { name: 'Entsperren' }).click();
  await nurse.getByTestId('channel-entry').filter({ hasText: 'Station 3B' }).click();
  await expect(nurse.getByTestId('channel-view')).toBeVisible();
  await expect(nurse.getByTestId('attach-tray')).toHaveCount(0);
});

test('a large file uploads inside its timeline item and Abbrechen leaves nothing on the other side', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(300_000);
  const { admin: doctor, nurse } = await twoStaff(clinic, openWorkstation);

  // 90 MB made in the page (too large to hand over from the test) and pasted into the composer.
  await nurse.getByRole('textbox', { name: /^Nachricht an / }).evaluate((textarea) => {
    const bytes = new Uint8Array(90 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i % 251;
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'Roentgen-Serie.zip', { type: 'application/zip' }));
    textarea.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  const tray = nurse.getByTestId('attach-tray');
  await tray.getByLabel('Beschriftung (wird verschlüsselt mitgesendet)').fill('Bitte nicht senden');
  await tray.getByTestId('tray-send').click();

  const uploading = nurse.getByTestId('timeline-upload');
  await expect(uploading).toBeVisible();
  await expect(uploading).toContainText('Roentgen-Serie.zip');
  await expect(uploading).toContainText('Bitte nicht senden');
  // Progress moves: some of it is encrypted and at the relay.
  await expect
    .poll(async () => Number(await uploading.getByTestId('upload-progress').getAttribute('value')), { timeout: 60_000 })
    .toBeGreaterThan(0);
  await expect(uploading.getByTestId('upload-status')).toHaveText(/^Wird hochgeladen … \d+ %$/);
  await shot(nurse, testInfo, 'timeline-uploading');
  await expectAccessible(nurse, 'uploading item in the timeline');

  // Cancelled from the keyboard, by its label.
  const cancel = uploading.getByRole('button', { name: 'Hochladen von Roentgen-Serie.zip abbrechen' });
  await cancel.focus();
  await nurse.keyboard.press('Enter');
  await expect(uploading).toHaveCount(0);

  // A message sent after the cancel reaches the doctor; the file never did, before or after it.
  const composer = nurse.getByRole('textbox', { name: /^Nachricht an / });
  await composer.fill('Röntgenbilder kommen später.');
  await composer.press('Enter');
  await expect(doctor.getByTestId('message').filter({ hasText: 'Röntgenbilder kommen später.' })).toBeVisible({
    timeout: 30_000,
  });
  await expect(fileItems(doctor)).toHaveCount(0);
  await expect(fileItems(nurse)).toHaveCount(0);
  await doctor.getByRole('tab', { name: 'Dateien', exact: true }).click();
  await expect(doctor.getByTestId('files-view')).toBeVisible();
  await expect(doctor.getByTestId('file-row')).toHaveCount(0);
});
