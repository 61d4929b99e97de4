// File types in words, not MIME types; a text file is "Textdatei" with a TEXT icon, never "PLAI".
import { describe, expect, it } from 'vitest';
import { FILE_TYPES, fileType } from '../../../apps/desktop/renderer/src/components/collab/file-type.ts';
import { de } from '../../../apps/desktop/renderer/src/i18n/de.ts';

const word = (mime: string, name = '') => de[`files.type.${fileType(mime, name)}`];
const icon = (mime: string, name = '') => de[`files.icon.${fileType(mime, name)}`];

describe('file type words', () => {
  it('names the common types in German words', () => {
    expect(word('application/pdf')).toBe('PDF-Dokument');
    expect(word('image/png')).toBe('Bild');
    expect(word('text/plain')).toBe('Textdatei');
    expect(word('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBe('Word-Dokument');
    expect(word('application/vnd.ms-excel')).toBe('Tabelle');
    expect(word('application/octet-stream', 'Dienstplan.xlsx')).toBe('Tabelle');
    expect(word('application/octet-stream', 'Daten.bin')).toBe('Datei');
  });

  it('gives icons short labels, never a cut MIME subtype', () => {
    expect(icon('text/plain')).toBe('TEXT');
    expect(icon('application/pdf')).toBe('PDF');
    expect(icon('image/jpeg')).toBe('BILD');
    for (const type of FILE_TYPES) expect(de[`files.icon.${type}`]).not.toMatch(/PLAI|OCTE|VND/);
  });
});
