// pdf.js behind the few calls the preview dialog needs: open decrypted bytes, measure a page,
// draw a page onto a canvas. Reached only through the dynamic import of PdfPreview.svelte, so
// pdf.js (about 450 kB, plus its 1.3 MB worker) stays out of the main bundle until someone opens
// a PDF. Failures come back as values with a reason the dialog can explain; pdf.js's exceptions
// stay in here.
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy, type RenderTask } from 'pdfjs-dist';
// Vite copies the worker into the build and gives its URL on the app's own origin, which the CSP's
// worker-src 'self' admits. pdf.js would otherwise fall back to parsing on the main thread.
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { MAX_CANVAS_PIXELS, pdfDocumentOptions } from './pdf-options.ts';

GlobalWorkerOptions.workerSrc = workerUrl;

/** PDF sizes are in points (1/72 inch); the screen works in CSS pixels (1/96 inch). */
const CSS_PER_POINT = 96 / 72;

export type PdfFailure = 'password' | 'damaged' | 'failed';

export interface PageSize {
  /** CSS pixels at zoom 1 (PDF points at 96 dpi). */
  width: number;
  height: number;
}

export interface PdfDocument {
  readonly pageCount: number;
  pageSize(pageNumber: number): Promise<PageSize>;
  /** The page's text as pdf.js reads it (empty for a scan), so a screen reader can read the page. */
  pageText(pageNumber: number): Promise<string>;
  /** Draws the page at `scale` (1 = 100 %), sharp on high-DPI screens; a newer call cancels an older one. */
  render(
    pageNumber: number,
    canvas: HTMLCanvasElement,
    scale: number,
  ): Promise<{ ok: true } | { ok: false; reason: PdfFailure | 'cancelled' }>;
  destroy(): Promise<void>;
}

export type PdfOpened = { ok: true; doc: PdfDocument } | { ok: false; reason: PdfFailure };

/** pdf.js names its exceptions; the dialog shows a different sentence for each. */
function failureOf(error: unknown): PdfFailure {
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') return 'password';
  if (name === 'InvalidPDFException' || name === 'FormatError') return 'damaged';
  return 'failed';
}

export async function openPdf(bytes: Uint8Array): Promise<PdfOpened> {
  // Without an onPassword handler pdf.js rejects a protected file with a PasswordException: the
  // preview never asks for a password (the document's own program does, after "save as").
  const task = getDocument(pdfDocumentOptions(bytes, document.baseURI));
  try {
    return { ok: true, doc: wrap(await task.promise) };
  } catch (error) {
    // Frees the worker's copy; the preview already shows the failure, so nothing waits for this.
    task.destroy().catch(() => undefined);
    return { ok: false, reason: failureOf(error) };
  }
}

function wrap(proxy: PDFDocumentProxy): PdfDocument {
  let running: RenderTask | null = null;
  /** Each render call takes a number; one that is no longer the latest stops before drawing. */
  let latest = 0;
  return {
    pageCount: proxy.numPages,

    async pageSize(pageNumber) {
      const viewport = (await proxy.getPage(pageNumber)).getViewport({ scale: CSS_PER_POINT });
      return { width: viewport.width, height: viewport.height };
    },

    async pageText(pageNumber) {
      try {
        const content = await (await proxy.getPage(pageNumber)).getTextContent();
        return content.items
          .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : ''))
          .join('')
          .trim();
      } catch {
        return '';
      }
    },

    async render(pageNumber, canvas, scale) {
      const call = ++latest;
      running?.cancel();
      try {
        const page = await proxy.getPage(pageNumber);
        if (call !== latest) return { ok: false, reason: 'cancelled' };
        const css = page.getViewport({ scale: scale * CSS_PER_POINT });
        // Device pixels for sharp text on high-DPI screens, but never more than MAX_CANVAS_PIXELS.
        const fit = Math.sqrt(MAX_CANVAS_PIXELS / (css.width * css.height));
        const viewport = page.getViewport({
          scale: scale * CSS_PER_POINT * Math.min(window.devicePixelRatio || 1, fit),
        });
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.style.width = `${Math.floor(css.width)}px`;
        canvas.style.height = `${Math.floor(css.height)}px`;
        const task = page.render({ canvas, viewport });
        running = task;
        await task.promise;
        if (running === task) running = null;
        return { ok: true };
      } catch (error) {
        if (error instanceof Error && error.name === 'RenderingCancelledException')
          return { ok: false, reason: 'cancelled' };
        return { ok: false, reason: failureOf(error) };
      }
    },

    async destroy() {
      latest++;
      running?.cancel();
      // Destroying the loading task ends the worker and frees the document's memory.
      await proxy.loadingTask.destroy();
    },
  };
}
