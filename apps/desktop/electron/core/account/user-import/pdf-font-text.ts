// The standard PDF fonts show WinAnsi only (German, French, Spanish, ...). Staff names from
// Turkish, Polish or Czech (ş, ı, ł, ř) would make pdf-lib throw, after the letters' keys were
// already made, so every string is folded to the closest letters the font has: accents the font
// lacks are dropped (ş → s), a few base letters are mapped, and anything else becomes "?".
import type { PDFFont } from 'pdf-lib';

/** Letters without a decomposition to a base letter plus accent. */
const BASE: Record<string, string> = { ı: 'i', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ħ: 'h', Ħ: 'H', ŧ: 't', Ŧ: 'T' };

export function fontText(text: string, font: PDFFont): string {
  const shown = new Set(font.getCharacterSet());
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (shown.has(code)) out += char;
    else {
      const folded = (BASE[char] ?? char).normalize('NFD').replace(/\p{M}/gu, '');
      out += [...folded].every((c) => shown.has(c.codePointAt(0)!)) && folded !== '' ? folded : '?';
    }
  }
  return out;
}
