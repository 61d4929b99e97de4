// Registration letters for many people as one PDF, one letter per page (A4), with the content of
// the app's letter view (LetterView/RegistrationLetter.svelte). The standard PDF fonts cover
// German (WinAnsi), so no font file ships with the app; other letters are folded (pdf-font-text.ts). The PDF holds one-time keys: the caller
// writes it once and keeps nothing.
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { RegistrationLetter } from '@klinikfunk/protocol/api/features/users-admin.ts';
import type { LetterTexts } from './letter-texts.ts';
import { fontText } from './pdf-font-text.ts';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 64;
const BLACK = rgb(0, 0, 0);

/** Words to lines that fit `width` at `size`. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = current === '' ? word : `${current} ${word}`;
    if (current !== '' && font.widthOfTextAtSize(next, size) > width) {
      lines.push(current);
      current = word;
    } else current = next;
  }
  if (current !== '') lines.push(current);
  return lines;
}

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}

function drawLetter(page: PDFPage, letter: RegistrationLetter, texts: LetterTexts, fonts: Fonts): void {
  const width = A4[0] - 2 * MARGIN;
  let y = A4[1] - MARGIN;
  const text = (value: string, size: number, font: PDFFont, opts: { x?: number; gap?: number } = {}) => {
    for (const line of wrap(fontText(value, font), font, size, width - (opts.x ?? 0))) {
      y -= size * 1.45;
      page.drawText(line, { x: MARGIN + (opts.x ?? 0), y, size, font, color: BLACK });
    }
    y -= opts.gap ?? 0;
  };
  text(letter.orgName, 13, fonts.bold, { gap: 18 });
  text(texts.title, 16, fonts.bold, { gap: 8 });
  text(texts.greeting.replace('{name}', letter.displayName), 11, fonts.regular, { gap: 4 });
  text(texts.intro, 11, fonts.regular, { gap: 14 });
  const expires = new Intl.DateTimeFormat(texts.locale, { day: '2-digit', month: '2-digit', year: 'numeric' }).format(
    letter.expiresAt,
  );
  const labelWidth = 150;
  const field = (label: string, value: string, font: PDFFont, size: number) => {
    const top = y;
    text(label, 11, fonts.bold);
    const afterLabel = y;
    y = top;
    text(value, size, font, { x: labelWidth });
    y = Math.min(y, afterLabel) - 6;
  };
  field(texts.name, letter.displayName, fonts.regular, 11);
  field(texts.organisation, letter.orgName, fonts.regular, 11);
  field(texts.relay, letter.relayUrl, fonts.mono, 10);
  field(texts.key, letter.registrationKey, fonts.mono, 14);
  field(texts.expires, expires, fonts.regular, 11);
  y -= 10;
  text(texts.stepsTitle, 12, fonts.bold, { gap: 2 });
  texts.steps.forEach((step, i) => text(`${i + 1}. ${step}`, 11, fonts.regular, { gap: 2 }));
  y -= 12;
  text(texts.security, 9, fonts.regular);
}

export async function lettersPdf(letters: readonly RegistrationLetter[], texts: LetterTexts): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(texts.title);
  pdf.setCreator('Klinikfunk');
  // No dates in the metadata: the letters' content says everything the reader needs.
  pdf.setProducer('Klinikfunk');
  const fonts: Fonts = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
    mono: await pdf.embedFont(StandardFonts.Courier),
  };
  for (const letter of letters) drawLetter(pdf.addPage(A4), letter, texts, fonts);
  return pdf.save();
}
