// The PDF preview (issue 7): a two-page PDF shared in a channel opens in the preview dialog, drawn
// by pdf.js on a canvas from bytes the core decrypted into memory. Page x of n, next/previous by
// button and keyboard, zoom; pdf.js runs in a real worker, loads only from the app's own origin,
// and nothing trips the CSP. A damaged PDF explains itself. Screenshot in German at 1366x768; axe.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { samplePdf } from './sample-pdf.ts';
import { createOrganisation, expectAccessible, setPin, shot } from './steps.ts';

/** Share of the canvas that is not white, and the colour at a point given as fractions of its size. */
async function canvasPixels(
  page: Page,
  at: [number, number],
): Promise<{ inked: number; colour: number[]; width: number }> {
  return page.getByTestId('pdf-canvas').evaluate((canvas: HTMLCanvasElement, [fx, fy]) => {
    const ctx = canvas.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200) inked++;
    const x = Math.floor(canvas.width * fx);
    const y = Math.floor(canvas.height * fy);
    return {
      inked: inked / (data.length / 4),
      colour: [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)],
      width: canvas.width,
    };
  }, at);
}

test('a shared PDF opens in the preview: pages, keyboard, zoom, own-origin pdf.js', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(120_000);
  const { workstation, page } = await openWorkstation('Stationsrechner 1');
  const origin = new URL(workstation.url).origin;
  const foreign: string[] = [];
  const fetched: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:')) foreign.push(url);
  });
  page.on('response', (response) => void (response.ok() && fetched.push(response.url())));
  // CSP refusals, pdf.js's fallback to the main thread, and pdf.js warnings (a font or CMap it could not load).
  const note = (text: string) => {
    if (/Content Security Policy|fake worker|Warning:/i.test(text)) problems.push(text);
  };
  page.on('console', (message) => note(message.text()));
  page.on('worker', (worker) => worker.on('console', (message) => note(message.text())));
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });

  await createOrganisation(page, clinic);
  await setPin(page);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  await page.getByTestId('channel-entry').filter({ hasText: 'Allgemein' }).click();
  await page.getByRole('tab', { name: 'Dateien', exact: true }).click();

  await page.getByTestId('attach-input').setInputFiles({
    name: 'Übergabe-Station-3B.pdf',
    mimeType: 'application/pdf',
    buffer: samplePdf(['Seite eins: Übergabeprotokoll Station 3B', 'Seite zwei: Medikationsplan']),
  });
  await expect(page.getByTestId('upload-item').filter({ hasText: 'Übergabe-Station-3B.pdf' })).toHaveAttribute(
    'data-state',
    'done',
    { timeout: 30_000 },
  );
  const row = page.getByTestId('file-row').filter({ hasText: 'Übergabe-Station-3B.pdf' });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await row.getByRole('button', { name: /öffnen/ }).click();

  const dialog = page.getByRole('dialog', { name: 'Übergabe-Station-3B.pdf' });
  const status = dialog.getByTestId('pdf-page-status');
  await expect(status).toHaveText('Seite 1 von 2', { timeout: 20_000 });
  await expect(dialog.getByTestId('pdf-page-text')).toContainText('Seite eins: Übergabeprotokoll', { timeout: 10_000 });
  await expect(dialog.getByRole('region', { name: /PDF-Seite/ })).toHaveAttribute('aria-busy', 'false');
  // The blue rectangle sits in the middle of the page (PDF y 380..640 of 842, from the bottom).
  const first = await canvasPixels(page, [0.5, 0.39]);
  expect(first.inked).toBeGreaterThan(0.1);
  expect(first.colour[2]).toBeGreaterThan(120);
  expect(first.colour[0]).toBeLessThan(80);
  await expect(dialog.getByRole('button', { name: 'Vorherige Seite' })).toBeDisabled();
  await shot(page, testInfo, 'files-pdf-01-preview');
  await expectAccessible(page, 'PDF preview');

  // Keyboard: the page area has focus when the document opens.
  await page.keyboard.press('PageDown');
  await expect(status).toHaveText('Seite 2 von 2');
  await expect(dialog.getByTestId('pdf-page-text')).toContainText('Seite zwei: Medikationsplan');
  await expect(dialog.getByRole('button', { name: 'Nächste Seite' })).toBeDisabled();
  expect((await canvasPixels(page, [0.5, 0.39])).inked).toBeGreaterThan(0.1);
  await shot(page, testInfo, 'files-pdf-02-page-2');
  await dialog.getByRole('button', { name: 'Vorherige Seite' }).click();
  await expect(status).toHaveText('Seite 1 von 2');

  // Zoom: "+" and the buttons step through the zoom ladder; fit to width comes back.
  const zoom = dialog.getByTestId('pdf-zoom');
  const fitted = await zoom.innerText();
  await expect(dialog.getByRole('button', { name: 'Seitenbreite' })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('+');
  await expect(zoom).not.toHaveText(fitted);
  await expect(dialog.getByRole('button', { name: 'Seitenbreite' })).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(async () => (await canvasPixels(page, [0.5, 0.39])).width).toBeGreaterThan(first.width);
  await dialog.getByRole('button', { name: 'Verkleinern' }).click();
  await dialog.getByRole('button', { name: 'Verkleinern' }).click();
  await expect.poll(async () => (await canvasPixels(page, [0.5, 0.39])).width).toBeLessThan(first.width);
  await dialog.getByRole('button', { name: 'Seitenbreite' }).click();
  await expect(zoom).toHaveText(fitted);

  // pdf.js parsed in a worker from the app's origin and fetched its standard font from there too.
  expect(page.workers().some((worker) => worker.url().startsWith(origin) && worker.url().includes('pdf.worker'))).toBe(
    true,
  );
  expect(fetched.some((url) => url.startsWith(`${origin}/pdfjs/standard_fonts/`))).toBe(true);
  expect(foreign).toEqual([]);
  expect(problems).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // A damaged file says what to do instead of showing nothing.
  await page.getByTestId('attach-input').setInputFiles({
    name: 'Kaputt.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('Das ist keine PDF-Datei.'),
  });
  await expect(page.getByTestId('upload-item').filter({ hasText: 'Kaputt.pdf' })).toHaveAttribute(
    'data-state',
    'done',
    { timeout: 30_000 },
  );
  await page
    .getByTestId('file-row')
    .filter({ hasText: 'Kaputt.pdf' })
    .getByRole('button', { name: /öffnen/ })
    .click();
  await expect(page.getByTestId('pdf-error')).toContainText('beschädigt', { timeout: 20_000 });
  await shot(page, testInfo, 'files-pdf-03-damaged');
});
