// The pdf.js settings are the security boundary around a parser of untrusted files: these tests
// keep them from drifting (docs/security.md, "PDF preview").
import { describe, expect, it } from 'vitest';
import {
  pdfDocumentOptions,
  PDFJS_DATA_DIR,
} from '../../../apps/desktop/renderer/src/components/collab/pdf-options.ts';

describe('pdf.js options of the PDF preview', () => {
  const data = new Uint8Array([0x25, 0x50, 0x44, 0x46]);
  const options = pdfDocumentOptions(data, 'app://klinikfunk/index.html');

  it('opens the decrypted bytes, never a URL', () => {
    expect(options.data).toBe(data);
    expect(options.url).toBeUndefined();
    expect(options).toMatchObject({ disableRange: true, disableStream: true, disableAutoFetch: true });
  });

  it('has no XFA, no system fonts, no WebAssembly', () => {
    expect(options).toMatchObject({ enableXfa: false, useSystemFonts: false, disableFontFace: false, useWasm: false });
    expect(options.maxImageSize).toBeGreaterThan(0);
  });

  it('loads CMaps, standard fonts and decoders only from the app origin, in the folder the build fills', () => {
    for (const url of [options.cMapUrl, options.standardFontDataUrl, options.wasmUrl]) {
      expect(url!.startsWith(`app://klinikfunk/${PDFJS_DATA_DIR}/`)).toBe(true);
      expect(url!.endsWith('/')).toBe(true);
    }
    // The harness serves the same build over loopback HTTP.
    const harness = pdfDocumentOptions(data, 'http://127.0.0.1:4100/index.html?token=x');
    expect(harness.standardFontDataUrl).toBe('http://127.0.0.1:4100/pdfjs/standard_fonts/');
    expect(new URL(harness.cMapUrl!).origin).toBe('http://127.0.0.1:4100');
  });
});
