// The rows of a personnel CSV as the import understands them: which column is which (German or
// English header names, as HR and Excel exports spell them), and each row checked with zod. A
// problem names the field and what is wrong, so the preview can say what to fix (the renderer's
// i18n has one sentence per code).
import { z } from 'zod';
import type { ImportProblem } from '@klinikfunk/protocol/api/features/user-import.ts';
import type { CsvRecord } from './csv-text.ts';

export type Column = 'personnelNumber' | 'displayName' | 'ward' | 'role' | 'firstName' | 'lastName';

/** Header names, compared without case, spaces, dots, dashes and underscores. */
const HEADER_NAMES: Record<Column, readonly string[]> = {
  personnelNumber: [
    'personalnummer',
    'personalnr',
    'persnr',
    'pnr',
    'mitarbeiternummer',
    'mitarbeiternr',
    'personnelnumber',
    'employeeid',
    'employeenumber',
    'staffnumber',
  ],
  displayName: ['name', 'anzeigename', 'vollständigername', 'displayname', 'fullname'],
  firstName: ['vorname', 'firstname', 'givenname'],
  lastName: ['nachname', 'familienname', 'lastname', 'surname'],
  ward: ['abteilung', 'station', 'bereich', 'fachabteilung', 'department', 'ward'],
  role: ['rolle', 'role', 'berechtigung'],
};

const ROLE_NAMES: Record<string, 'admin' | 'member'> = {
  '': 'member',
  mitglied: 'member',
  member: 'member',
  benutzer: 'member',
  benutzerin: 'member',
  mitarbeiter: 'member',
  mitarbeiterin: 'member',
  user: 'member',
  admin: 'admin',
  administrator: 'admin',
  administratorin: 'admin',
  administration: 'admin',
};

const normalise = (header: string) => header.toLowerCase().replace(/[\s._-]/g, '');

export type HeaderMap = { columns: Partial<Record<Column, number>>; width: number };

export type HeaderResult =
  | { ok: true; map: HeaderMap }
  | { ok: false; code: 'no_header' }
  | { ok: false; code: 'missing_column'; column: 'personnelNumber' | 'displayName' };

/** Which field is in which column; personnel number and a name (or first and last name) are required. */
export function readHeader(record: CsvRecord): HeaderResult {
  const columns: Partial<Record<Column, number>> = {};
  record.fields.forEach((raw, index) => {
    const name = normalise(raw);
    for (const [column, names] of Object.entries(HEADER_NAMES) as [Column, readonly string[]][]) {
      if (names.includes(name) && columns[column] === undefined) columns[column] = index;
    }
  });
  // "Name" beside "Vorname" is the family name in German HR exports (SAP, DATEV: Name, Vorname).
  const generic = columns.displayName !== undefined && normalise(record.fields[columns.displayName]!) === 'name';
  if (generic && columns.firstName !== undefined && columns.lastName === undefined) {
    columns.lastName = columns.displayName;
    delete columns.displayName;
  }
  if (Object.keys(columns).length === 0) return { ok: false, code: 'no_header' };
  if (columns.personnelNumber === undefined) return { ok: false, code: 'missing_column', column: 'personnelNumber' };
  if (columns.displayName === undefined && (columns.firstName === undefined || columns.lastName === undefined))
    return { ok: false, code: 'missing_column', column: 'displayName' };
  return { ok: true, map: { columns, width: record.fields.length } };
}

/** Zod issue messages are the problem codes; the renderer turns them into sentences. */
const rowSchema = z.strictObject({
  personnelNumber: z
    .string()
    .trim()
    .min(1, 'missing')
    .max(64, 'too_long')
    .regex(/^[A-Za-z0-9][A-Za-z0-9./_-]*$/, 'invalid_chars'),
  displayName: z
    .string()
    .trim()
    .transform((s) => s.replace(/\s+/g, ' '))
    .pipe(z.string().min(1, 'missing').max(200, 'too_long')),
  ward: z
    .string()
    .trim()
    .max(200, 'too_long')
    .transform((s) => (s === '' ? null : s)),
  role: z
    .string()
    .trim()
    .transform((s) => ROLE_NAMES[s.toLowerCase()] ?? null)
    .refine((r) => r !== null, 'unknown_role'),
});

export interface CheckedRow {
  line: number;
  personnelNumber: string;
  displayName: string;
  ward: string | null;
  role: 'admin' | 'member' | null;
  problems: ImportProblem[];
}

/** One data row: its values (as far as they could be read) and every problem at once. */
export function checkRow(record: CsvRecord, map: HeaderMap): CheckedRow {
  const cell = (column: Column) => {
    const index = map.columns[column];
    return index === undefined ? '' : (record.fields[index] ?? '');
  };
  const displayName =
    map.columns.displayName !== undefined
      ? cell('displayName')
      : `${cell('firstName').trim()} ${cell('lastName').trim()}`;
  const raw = { personnelNumber: cell('personnelNumber'), displayName, ward: cell('ward'), role: cell('role') };
  const problems: ImportProblem[] = [];
  if (record.fields.slice(map.width).some((f) => f.trim() !== ''))
    problems.push({ field: 'row', code: 'too_many_fields' });
  const parsed = rowSchema.safeParse(raw);
  if (parsed.success) return { line: record.line, ...parsed.data, problems };
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as ImportProblem['field'];
    // One problem per field: the first says what to fix.
    if (problems.some((p) => p.field === field)) continue;
    problems.push({ field, code: issue.message as ImportProblem['code'] });
  }
  const role = ROLE_NAMES[raw.role.trim().toLowerCase()] ?? null;
  const ward = raw.ward.trim();
  return {
    line: record.line,
    personnelNumber: raw.personnelNumber.trim(),
    displayName: raw.displayName.trim(),
    ward: ward === '' ? null : ward,
    role,
    problems,
  };
}
