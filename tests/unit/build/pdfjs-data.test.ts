// The build plugin that copies pdf.js's data files: the folders and names are the ones the PDF
// preview's options point at, and no WebAssembly is shipped (the CSP would refuse it).
import { describe, expect, it } from 'vitest';
import { PDFJS_DATA_DIR } from '../../../apps/desktop/renderer/src/components/collab/pdf-options.ts';
import { pdfjsData } from '../../../apps/desktop/renderer/vite-pdfjs-data.ts';

type Hook = (this: object, ...args: unknown[]) => Promise<void>;

describe('pdf.js data files in the renderer build', () => {
  it('emits CMaps, standard fonts and the JavaScript decoders under pdfjs/, unhashed', async () => {
    const emitted: string[] = [];
    const context = {
      emitFile: (file: { fileName: string }) => void emitted.push(file.fileName),
      error: (message: string) => {
        throw new Error(message);
      },
    };
    const plugin = pdfjsData();
    expect(plugin.apply).toBe('build');
    await (plugin.generateBundle as Hook).call(context, {}, {}, false);
    expect(emitted).toEqual(
      expect.arrayContaining([
        `${PDFJS_DATA_DIR}/cmaps/UniJIS-UCS2-H.bcmap`,
        `${PDFJS_DATA_DIR}/standard_fonts/LiberationSans-Regular.ttf`,
        `${PDFJS_DATA_DIR}/standard_fonts/FoxitSerif.pfb`,
        `${PDFJS_DATA_DIR}/wasm/openjpeg_nowasm_fallback.js`,
        `${PDFJS_DATA_DIR}/wasm/jbig2_nowasm_fallback.js`,
      ]),
    );
    expect(emitted.filter((name) => name.endsWith('.wasm') || name.includes('quickjs'))).toEqual([]);
  });
});
