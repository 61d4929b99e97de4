// The pdf.js settings for the PDF preview, in one place because they are the security boundary
// around a parser of untrusted files (docs/security.md, "PDF preview"). Kept apart from pdf.js
// itself so a unit test can check them without loading the library.
import type { DocumentInitParameters } from 'pdfjs-dist/types/src/display/api';

/**
 * Where the build copies pdf.js's data files (apps/desktop/renderer/vite-pdfjs-data.ts), relative to the
 * renderer's index.html. Everything pdf.js may load comes from the app's own origin.
 */
export const PDFJS_DATA_DIR = 'pdfjs';

/** The largest canvas a page is drawn into (device pixels); beyond it the page renders softer rather than exhausting memory. */
export const MAX_CANVAS_PIXELS = 16 * 1024 * 1024;

/**
 * Bytes in, pictures out: no URL, no network, no script, no forms, no system fonts. pdf.js 6 has
 * no eval path left (its `isEvalSupported` option is gone) and the CSP refuses eval regardless;
 * document JavaScript needs pdf.js's separate sandbox bundle, which the app never loads.
 */
export function pdfDocumentOptions(data: Uint8Array, documentUrl: string): DocumentInitParameters {
  const dir = (name: string) => new URL(`${PDFJS_DATA_DIR}/${name}/`, documentUrl).href;
  return {
    // The decrypted bytes from files.preview; pdf.js takes ownership and moves them to its worker.
    data,
    // XFA forms are a second, HTML-like renderer; off (the default, stated so it stays off).
    enableXfa: false,
    // Fonts come only from the file's embedded bytes or the bundled standard fonts, so a
    // document looks the same on every workstation and no local font is probed.
    useSystemFonts: false,
    disableFontFace: false,
    // CMaps and standard fonts are fetched by the worker from the app's own origin.
    cMapUrl: dir('cmaps'),
    cMapPacked: true,
    standardFontDataUrl: dir('standard_fonts'),
    // WebAssembly would need 'wasm-unsafe-eval' in the CSP; pdf.js then uses its JavaScript
    // decoders (JPEG 2000, JBIG2), loaded from here. ICC colour profiles fall back to plain CMYK.
    useWasm: false,
    wasmUrl: dir('wasm'),
    // Nothing is streamed or fetched in ranges: the whole file is already in memory.
    disableRange: true,
    disableStream: true,
    disableAutoFetch: true,
    // One image may not exceed 100 megapixels (a hostile file could declare one huge image).
    maxImageSize: 100 * 1024 * 1024,
  };
}
