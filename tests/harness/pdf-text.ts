// The text layer of a PDF drawn with pdf-lib's standard fonts, page by page: each page's content
// streams inflated and their `<hex> Tj` strings decoded (WinAnsi, Windows-1252). Enough to check
// what a generated PDF says without a PDF renderer.
import { PDFArray, PDFDocument, PDFRawStream, decodePDFRawStream, type PDFObject } from 'pdf-lib';
import { decodeWindows1252 } from '../../apps/desktop/electron/core/account/user-import/windows-1252.ts';

function streamsOf(contents: PDFObject | undefined, doc: PDFDocument): PDFRawStream[] {
  if (contents instanceof PDFRawStream) return [contents];
  if (contents instanceof PDFArray)
    return contents
      .asArray()
      .map((ref) => doc.context.lookup(ref))
      .filter((s): s is PDFRawStream => s instanceof PDFRawStream);
  return [];
}

/** The lines of text on every page, in drawing order. */
export async function pdfPageLines(bytes: Uint8Array): Promise<string[][]> {
  const doc = await PDFDocument.load(bytes);
  return doc.getPages().map((page) => {
    const ops = streamsOf(page.node.Contents(), doc)
      .map((s) => decodeWindows1252(decodePDFRawStream(s).decode()))
      .join('\n');
    return [...ops.matchAll(/<([0-9A-Fa-f]*)> Tj/g)].map((m) =>
      decodeWindows1252(Uint8Array.from(m[1]!.match(/../g) ?? [], (h) => parseInt(h, 16))),
    );
  });
}
