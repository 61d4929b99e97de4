// Copies the data files pdf.js loads on demand into the build under pdfjs/: the CMaps (text in
// PDFs whose CJK fonts are not embedded), the standard fonts (PDFs that name Helvetica or Times
// without embedding them) and the JavaScript JPEG 2000 and JBIG2 decoders (scans). The PDF
// preview reads them from the app's own origin, never from the network
// (apps/desktop/renderer/src/components/collab/pdf-options.ts). Names stay as pdf.js asks for them, unhashed.
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/** Same folder name as PDFJS_DATA_DIR in pdf-options.ts. */
const OUT_DIR = 'pdfjs';

const FOLDERS: ReadonlyArray<{ name: string; wanted: (file: string) => boolean }> = [
  { name: 'cmaps', wanted: (file) => file.endsWith('.bcmap') || file === 'LICENSE' },
  { name: 'standard_fonts', wanted: () => true },
  // The .wasm builds are left out: the CSP has no 'wasm-unsafe-eval', so pdf.js runs without wasm.
  { name: 'wasm', wanted: (file) => file.endsWith('_nowasm_fallback.js') || file.startsWith('LICENSE') },
];

export function pdfjsData(): Plugin {
  return {
    name: 'klinikfunk-pdfjs-data',
    apply: 'build',
    async generateBundle() {
      const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
      for (const folder of FOLDERS) {
        const files = (await readdir(join(root, folder.name))).filter(folder.wanted);
        if (files.length === 0) this.error(`pdfjs-dist/${folder.name} has no files: has the package layout changed?`);
        for (const file of files) {
          this.emitFile({
            type: 'asset',
            fileName: `${OUT_DIR}/${folder.name}/${file}`,
            source: await readFile(join(root, folder.name, file)),
          });
        }
      }
    },
  };
}
