// Reads a CSV file as German clinics export it: Excel writes `;` between fields, Windows-1252
// ("CSV (Trennzeichen-getrennt)") or UTF-8 with a byte order mark ("CSV UTF-8"), CRLF line ends,
// and quotes a field that holds the separator, a quote or a line break (RFC 4180 quoting).
import { decodeWindows1252 } from './windows-1252.ts';

export type CsvEncoding = 'utf-8' | 'windows-1252';
export type CsvSeparator = ';' | ',' | '\t';

export interface CsvRecord {
  /** Line in the file where the record starts (1-based; a quoted line break spans lines). */
  line: number;
  fields: string[];
}

export type CsvParse =
  | { ok: true; encoding: CsvEncoding; separator: CsvSeparator; records: CsvRecord[] }
  | { ok: false; encoding: CsvEncoding; separator: CsvSeparator; code: 'unclosed_quote'; line: number };

/** UTF-8 when the bytes are valid UTF-8 (with or without BOM), else Windows-1252 (Excel's "ANSI"). */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: an umlaut in Windows-1252 is one byte that never forms a valid UTF-8 sequence here.
    return { text: decodeWindows1252(body), encoding: 'windows-1252' };
  }
}

/** The separator of the header line: the one of `;`, tab and `,` it holds most often (`;` on a tie). */
export function detectSeparator(text: string): CsvSeparator {
  const header = text.slice(0, text.search(/\r?\n|$/));
  const count = (c: string) => header.split(c).length - 1;
  const candidates: CsvSeparator[] = [';', '\t', ','];
  return candidates.reduce((best, c) => (count(c) > count(best) ? c : best), ';');
}

/** Splits CSV text into records; blank lines and rows of empty fields are skipped. */
export function parseCsv(bytes: Uint8Array): CsvParse {
  const { text, encoding } = decodeCsv(bytes);
  const separator = detectSeparator(text);
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    // Excel writes rows it once formatted as bare separators (`;;;`): blank like an empty line.
    if (fields.some((f) => f.trim() !== '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === separator) {
      fields.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
    }
    i++;
  }
  if (quoted) return { ok: false, encoding, separator, code: 'unclosed_quote', line: recordLine };
  if (field !== '' || fields.length > 0) endRecord();
  return { ok: true, encoding, separator, records };
}
