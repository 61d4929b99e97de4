// The attach tray on two workstations against a real relay process: an image pasted into the
// composer waits in the tray (nothing is sent) with its thumbnail, name and size; "Bereiche
// schwärzen" is the prominent button while it is not redacted; a second file chosen with the
// picker is removed again; a caption is typed; after redacting a rectangle "Senden" sends the
// image with the caption. On the other workstation the file carries the caption, and its opened
// preview has the rectangle's pixels black and the rest unchanged. Axe and a screenshot in German.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { expectAccessible, shot, twoStaff } from './steps.ts';

/** Pastes a 400x300 red PNG with a white square in the middle into the composer, as Strg+V does. */
async function pasteImage(page: Page, name: string): Promise<void> {
  await page.getByRole('textbox', { name: /^Nachricht an / }).evaluate(async (textarea, fileName) => {
    const canvas = document.createElement('canvas');
    canvas.width = 400;
    canvas.height = 300;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = 'rgb(220, 0, 0)';
    ctx.fillRect(0, 0, 400, 300);
    ctx.fillStyle = '#fff';
    ctx.fillRect(150, 100, 100, 100);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const data = new DataTransfer();
    data.items.add(new File([blob], fileName, { type: 'image/png' }));
    textarea.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, name);
}

test('a pasted photo waits in the tray, is redacted first, and arrives with its caption', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(240_000);
  const { admin, nurse } = await twoStaff(clinic, openWorkstation);

  await pasteImage(admin, 'image.png');
  const tray = admin.getByTestId('attach-tray');
  await expect(tray).toBeVisible();
  const photo = tray.getByTestId('tray-item').filter({ hasText: 'image.png' });
  await expect(photo).toContainText(/\d+(,\d+)? (B|KB)/);
  await expect(photo.getByRole('img', { name: 'Vorschau von image.png' })).toBeVisible();
  // Redaction first: the prominent button; sending it unchanged is the quiet one.
  await expect(tray.getByTestId('tray-redact')).toHaveText('Bereiche schwärzen');
  await expect(tray.getByTestId('tray-redact')).toHaveClass(/primary/);
  await expect(tray.getByTestId('tray-send')).toHaveText('Ohne Schwärzung senden');
  await expect(tray.getByTestId('tray-send')).not.toHaveClass(/primary/);

  // A second file from the picker, removed again: nothing was sent.
  await admin
    .getByTestId('attach-input')
    .setInputFiles({ name: 'Falsche-Datei.txt', mimeType: 'text/plain', buffer: Buffer.from('nicht senden') });
  await expect(tray.getByTestId('tray-item')).toHaveCount(2);
  await tray.getByRole('button', { name: 'Falsche-Datei.txt aus den Anhängen entfernen' }).click();
  await expect(tray.getByTestId('tray-item')).toHaveCount(1);
  await expect(admin.getByTestId('upload-item')).toHaveCount(0);

  await tray.getByLabel('Beschriftung (wird verschlüsselt mitgesendet)').fill('Wundheilung Tag 3, Zimmer 12');
  await shot(admin, testInfo, 'tray');
  await expectAccessible(admin, 'attach tray');

  await tray.getByTestId('tray-redact').click();
  const dialog = admin.getByTestId('redact-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('redact-send')).toHaveText('Schwärzung übernehmen');
  const canvas = admin.getByTestId('redact-canvas');
  await expect.poll(async () => (await canvas.boundingBox())?.width ?? 0).toBeGreaterThan(100);
  const box = (await canvas.boundingBox())!;
  await admin.mouse.move(box.x + box.width * (140 / 400), box.y + box.height * (90 / 300));
  await admin.mouse.down();
  await admin.mouse.move(box.x + box.width * (200 / 400), box.y + box.height * (150 / 300), { steps: 4 });
  await admin.mouse.move(box.x + box.width * (260 / 400), box.y + box.height * (210 / 300), { steps: 4 });
  await admin.mouse.up();
  await expect(dialog.getByText('Bereich 1: geschwärzt')).toBeVisible();
  await dialog.getByTestId('redact-send').click();
  await expect(dialog).toBeHidden();
  await expect(photo).toHaveAttribute('data-redacted', 'true');
  await expect(tray.getByTestId('tray-redact')).toHaveCount(0);
  await expect(tray.getByTestId('tray-send')).toHaveText('Senden (1)');
  await shot(admin, testInfo, 'tray-redacted');
  await tray.getByTestId('tray-send').click();
  await expect(tray).toBeHidden();
  // Uploaded inside its timeline item, which gives way to the shared file.
  await expect(admin.getByRole('img', { name: 'Vorschaubild von image.png' })).toBeVisible({ timeout: 30_000 });
  await expect(admin.getByTestId('timeline-upload')).toHaveCount(0);

  await nurse.getByRole('tab', { name: 'Dateien', exact: true }).click();
  const row = nurse.getByTestId('file-row').filter({ hasText: 'image.png' });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(row.getByTestId('file-caption')).toHaveText('Wundheilung Tag 3, Zimmer 12');
  await expect(nurse.getByTestId('file-row').filter({ hasText: 'Falsche-Datei.txt' })).toHaveCount(0);
  await row.getByRole('button', { name: /öffnen/ }).click();
  const image = nurse.getByTestId('preview-image');
  await expect(image).toBeVisible({ timeout: 15_000 });
  const pixels = await image.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const at = (x: number, y: number) => [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)];
    return { size: [img.naturalWidth, img.naturalHeight], center: at(200, 150), outside: at(20, 20) };
  });
  expect(pixels).toEqual({ size: [400, 300], center: [0, 0, 0], outside: [220, 0, 0] });
});

test('an image that cannot be read is not sent unredacted with its metadata', async ({ clinic, openWorkstation }) => {
  test.setTimeout(240_000);
  const { admin, nurse } = await twoStaff(clinic, openWorkstation);
  // A "photo" with an EXIF block naming a GPS position but no picture any browser can decode
  // (a HEIC saved as .jpg looks like this to Chromium): re-encoding it is impossible, so sending
  // it "unchanged" would send its position.
  await admin.getByRole('textbox', { name: /^Nachricht an / }).evaluate((textarea) => {
    const exif = new TextEncoder().encode('Exif\0\0GPSLatitude 52.5200 N GPSLongitude 13.4050 E');
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0, exif.length + 2, ...exif, 1, 2, 3, 4, 5, 6, 7, 8]);
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'Station-Foto.jpg', { type: 'image/jpeg' }));
    textarea.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  const tray = admin.getByTestId('attach-tray');
  await expect(tray.getByTestId('tray-item')).toHaveCount(1);
  await tray.getByTestId('tray-send').click();
  const upload = admin.getByTestId('timeline-upload');
  await expect(upload).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await expect(upload.getByRole('alert').filter({ hasText: 'Station-Foto.jpg wurde nicht gesendet' })).toBeVisible();
  await expect(upload.getByTestId('upload-message')).toHaveText('Keine der Dateien wurde gesendet.');
  // Nothing to try again: "Entfernen" takes the item away.
  await expect(upload.getByTestId('upload-retry')).toHaveCount(0);
  await upload.getByTestId('upload-discard').click();
  await expect(upload).toHaveCount(0);

  await nurse.getByRole('tab', { name: 'Dateien', exact: true }).click();
  await expect(nurse.getByTestId('files-view')).toBeVisible();
  await expect(nurse.getByTestId('file-row')).toHaveCount(0);
});
