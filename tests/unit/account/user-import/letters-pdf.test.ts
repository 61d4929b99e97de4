// Bulk registration letters: one A4 page per letter, each saying what the app's letter view says
// (the renderer's `letter.*` texts, word for word, with umlauts and German quotes intact).
import { describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { de } from '../../../../apps/desktop/renderer/src/i18n/de.ts';
import { en } from '../../../../apps/desktop/renderer/src/i18n/en.ts';
import { LETTER_TEXTS } from '../../../../apps/desktop/electron/core/account/user-import/letter-texts.ts';
import { lettersPdf } from '../../../../apps/desktop/electron/core/account/user-import/letters-pdf.ts';
import { pdfPageLines } from '../../../harness/pdf-text.ts';

const letter = (name: string, key: string) => ({
  userId: 'pnAAAAAAAAAAAAAAAAAAAAAAAA',
  displayName: name,
  orgName: 'Klinikum Nord',
  relayUrl: 'wss://relay.klinikum-nord.example:8443',
  registrationKey: key,
  expiresAt: Date.UTC(2026, 11, 21, 12),
});

describe('registration letters as one PDF', () => {
  it('has the same wording as the letter view in both languages', () => {
    for (const [texts, catalogue] of [
      [LETTER_TEXTS.de, de],
      [LETTER_TEXTS.en, en],
    ] as const) {
      expect(texts.title).toBe(catalogue['letter.title']);
      expect(texts.greeting).toBe(catalogue['letter.greeting']);
      expect(texts.intro).toBe(catalogue['letter.intro']);
      expect([texts.name, texts.organisation, texts.relay, texts.key, texts.expires, texts.stepsTitle]).toEqual([
        catalogue['letter.name'],
        catalogue['letter.organisation'],
        catalogue['letter.relay'],
        catalogue['letter.key'],
        catalogue['letter.expires'],
        catalogue['letter.stepsTitle'],
      ]);
      expect(texts.steps).toEqual([catalogue['letter.step1'], catalogue['letter.step2'], catalogue['letter.step3']]);
      expect(texts.security).toBe(catalogue['letter.security']);
    }
  });

  it('puts one letter on each page, with name, server, key and end date', async () => {
    const letters = [
      letter('Jörg Weiß', 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789'),
      letter('Bärbel Groß', '9876-5432-10ZY-XWVT-SRQP-NMKJ-HGFE-DCBA'),
      letter('Anna Berg', 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH'),
    ];
    const bytes = await lettersPdf(letters, LETTER_TEXTS.de);
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(3);
    expect(doc.getPage(0).getSize()).toMatchObject({ width: 595.28, height: 841.89 });
    const pages = await pdfPageLines(bytes);
    pages.forEach((lines, i) => {
      const text = lines.join('\n');
      expect(lines[0]).toBe('Klinikum Nord');
      expect(text).toContain(`Guten Tag ${letters[i]!.displayName},`);
      expect(text).toContain(letters[i]!.registrationKey);
      expect(text).toContain('wss://relay.klinikum-nord.example:8443');
      expect(text).toContain('21.12.2026');
      expect(text).toContain('„Mit Registrierungsschlüssel beitreten“');
      // Each page holds its own key only.
      for (const other of letters.filter((_, j) => j !== i)) expect(text).not.toContain(other.registrationKey);
    });
  });
});

describe('names beyond German in the letters PDF', () => {
  it('writes a letter for staff whose names the standard PDF font cannot show (Turkish, Polish, Czech)', async () => {
    const letters = [
      letter('Ayşe Yılmaz', 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789'),
      letter('Łukasz Wiśniewski', '9876-5432-10ZY-XWVT-SRQP-NMKJ-HGFE-DCBA'),
      letter('Jiří Dvořák 李', 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH'),
    ];
    const bytes = await lettersPdf(letters, LETTER_TEXTS.de);
    const pages = await pdfPageLines(bytes);
    expect(pages).toHaveLength(3);
    // The key is what the person types in: it must be exact; the name is the closest the font has
    // (í and á are in the font, ř and 李 are not).
    expect(pages[0]!.join('\n')).toContain('Guten Tag Ayse Yilmaz,');
    expect(pages[1]!.join('\n')).toContain('Guten Tag Lukasz Wisniewski,');
    expect(pages[2]!.join('\n')).toContain('Guten Tag Jirí Dvorák ?,');
    pages.forEach((lines, i) => expect(lines.join('\n')).toContain(letters[i]!.registrationKey));
  });
});
