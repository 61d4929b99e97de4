// The CSV import's reading and checking: German Excel exports (`;`, Windows-1252 or UTF-8 with
// BOM, CRLF, quoted fields), header names in German and English, a problem per field that says
// what to fix, and a plan that finds people again by personnel number (idempotent re-import).
import { describe, expect, it } from 'vitest';
import type { RecordBody } from '@klinikfunk/protocol/wire/records.ts';
import { parseCsv } from '../../../../apps/desktop/electron/core/account/user-import/csv-text.ts';
import { userImportMethods } from '@klinikfunk/protocol/api/features/user-import.ts';
import {
  MAX_IMPORT_ROWS,
  planImport,
  type ImportActor,
} from '../../../../apps/desktop/electron/core/account/user-import/import-plan.ts';
import { personnelUserId } from '../../../../apps/desktop/electron/core/account/user-import/personnel-user-id.ts';

const ORG = 'org_Klinikum_Nord';
const utf8 = (text: string) => new TextEncoder().encode(text);
const bom = (text: string) => new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]);
/** Windows-1252: ä ö ü ß as Latin-1, „ “ – € in 0x80–0x9F. */
const CP1252_HIGH: Record<string, number> = { '„': 0x84, '“': 0x93, '–': 0x96, '€': 0x80 };
const cp1252 = (text: string) => Uint8Array.from([...text].map((c) => CP1252_HIGH[c] ?? c.charCodeAt(0)));

const plan = (file: Uint8Array, users: RecordBody<'user'>[] = [], actor: ImportActor = { kind: 'admin' }) =>
  planImport(file, { orgId: ORG, user: (id) => users.find((u) => u.userId === id), actor });

const user = (pn: string, over: Partial<RecordBody<'user'>> = {}): RecordBody<'user'> => ({
  orgId: ORG,
  userId: personnelUserId(ORG, pn),
  displayName: 'Jörg Weiß',
  role: 'member',
  ward: 'Kardiologie',
  active: true,
  issuedAt: 1000,
  ...over,
});

describe('reading a CSV export', () => {
  it('reads Excel\'s German "CSV (Trennzeichen-getrennt)": Windows-1252, `;`, CRLF, quoted fields', () => {
    const file = cp1252(
      'Personalnummer;Name;Abteilung;Rolle\r\n1001;"Weiß; Jörg";Kardiologie;Mitglied\r\n1002;"Bärbel „Bär“ Groß";Notaufnahme – Süd;\r\n',
    );
    const parsed = parseCsv(file);
    expect(parsed).toMatchObject({ ok: true, encoding: 'windows-1252', separator: ';' });
    if (!parsed.ok) return;
    expect(parsed.records.map((r) => r.fields)).toEqual([
      ['Personalnummer', 'Name', 'Abteilung', 'Rolle'],
      ['1001', 'Weiß; Jörg', 'Kardiologie', 'Mitglied'],
      ['1002', 'Bärbel „Bär“ Groß', 'Notaufnahme – Süd', ''],
    ]);
  });

  it('unquotes doubled quotes inside a quoted field', () => {
    const parsed = parseCsv(utf8('Personalnummer;Name\n1;"Anna ""Anni"" Berg"\n'));
    expect(parsed.ok && parsed.records[1]!.fields).toEqual(['1', 'Anna "Anni" Berg']);
  });

  it('reads "CSV UTF-8" with a byte order mark, and English headers with `,`', () => {
    const parsed = plan(bom('Personnel number,Name,Department,Role\n7,Jörg Weiß,Kardiologie,admin\n'));
    expect(parsed).toMatchObject({ encoding: 'utf-8', separator: ',', fileProblem: null });
    expect(parsed.rows[0]).toMatchObject({
      personnelNumber: '7',
      displayName: 'Jörg Weiß',
      role: 'admin',
      action: 'create',
    });
  });

  it('keeps the line of a record whose quoted field holds a line break', () => {
    const parsed = plan(utf8('Personalnummer;Name;Station\n1;"Anna\nBerg";A\n2;;B\n'));
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(parsed.rows[0]!.displayName).toBe('Anna Berg');
    expect(parsed.rows[1]!.problems).toEqual([{ field: 'displayName', code: 'missing' }]);
  });

  it('joins first and last name columns into the name', () => {
    const parsed = plan(utf8('PersNr;Vorname;Nachname\n5;Jörg;Weiß\n'));
    expect(parsed.rows[0]).toMatchObject({ displayName: 'Jörg Weiß', role: 'member', ward: null });
  });

  it('reads "Name" next to "Vorname" as the last name, as German HR exports mean it', () => {
    const parsed = plan(utf8('Personalnummer;Name;Vorname\n5;Weiß;Jörg\n'));
    expect(parsed.rows[0]).toMatchObject({ displayName: 'Jörg Weiß', action: 'create' });
  });

  it("skips Excel's empty rows (only separators) like blank lines instead of refusing the file", () => {
    const parsed = plan(utf8('Personalnummer;Name;Abteilung\r\n5;Jörg Weiß;A\r\n;;\r\n ; ;\r\n'));
    expect(parsed.counts).toEqual({ create: 1, update: 0, unchanged: 0, error: 0 });
    expect(parsed.rows).toHaveLength(1);
  });

  it('names a file problem: no header, a missing column, an unclosed quote, nothing but a header', () => {
    expect(plan(utf8('a;b;c\n1;2;3\n')).fileProblem).toEqual({ code: 'no_header' });
    expect(plan(utf8('Name;Abteilung\nAnna;A\n')).fileProblem).toEqual({
      code: 'missing_column',
      column: 'personnelNumber',
    });
    expect(plan(utf8('Personalnummer;Name\n1;"Anna\n')).fileProblem).toEqual({ code: 'unclosed_quote', line: 2 });
    expect(plan(utf8('Personalnummer;Name\r\n')).fileProblem).toEqual({ code: 'empty' });
    expect(plan(new Uint8Array()).fileProblem).toEqual({ code: 'empty' });
  });
});

describe('checking rows', () => {
  const bad = utf8(
    [
      'Personalnummer;Name;Abteilung;Rolle',
      '1001;Anna Berg;Kardiologie;Mitglied',
      ';Ohne Nummer;Kardiologie;',
      '1003;;Kardiologie;',
      '1004;Chef Arzt;Kardiologie;Chefarzt',
      '1001;Anna Doppelt;Kardiologie;',
      '10 05;Leer Zeichen;Kardiologie;',
      `1006;${'x'.repeat(201)};Kardiologie;`,
      '1007;Zu Viel;Kardiologie;;extra',
    ].join('\r\n'),
  );

  it('gives every bad row its problems by field, and counts them', () => {
    const parsed = plan(bad);
    expect(parsed.counts).toEqual({ create: 1, update: 0, unchanged: 0, error: 7 });
    expect(parsed.rows.map((r) => [r.line, r.action, r.problems])).toEqual([
      [2, 'create', []],
      [3, 'error', [{ field: 'personnelNumber', code: 'missing' }]],
      [4, 'error', [{ field: 'displayName', code: 'missing' }]],
      [5, 'error', [{ field: 'role', code: 'unknown_role' }]],
      [6, 'error', [{ field: 'personnelNumber', code: 'duplicate', otherLine: 2 }]],
      [7, 'error', [{ field: 'personnelNumber', code: 'invalid_chars' }]],
      [8, 'error', [{ field: 'displayName', code: 'too_long' }]],
      [9, 'error', [{ field: 'row', code: 'too_many_fields' }]],
    ]);
  });
});

describe('finding people again by personnel number', () => {
  const file = utf8('Personalnummer;Name;Abteilung\n1001;Jörg Weiß;Kardiologie\n1002;Anna Berg;Notaufnahme\n');

  it('derives one user id per organisation and number, the same on every device', () => {
    expect(personnelUserId(ORG, '1001')).toBe(personnelUserId(ORG, '1001'));
    expect(personnelUserId(ORG, '1001')).not.toBe(personnelUserId(ORG, '1002'));
    expect(personnelUserId(ORG, '1001')).not.toBe(personnelUserId('org_Klinikum_Sued', '1001'));
    expect(personnelUserId(ORG, '1001')).toMatch(/^pn[A-Za-z0-9_-]{24}$/);
    expect(personnelUserId(ORG, '1001')).not.toContain('1001');
  });

  it('leaves a known person unchanged and updates a changed name or department, never a second user', () => {
    const parsed = plan(file, [user('1001'), user('1002', { displayName: 'Anna Alt', ward: 'Kardiologie' })]);
    expect(parsed.rows.map((r) => [r.action, r.changes, r.userId])).toEqual([
      ['unchanged', [], personnelUserId(ORG, '1001')],
      ['update', ['displayName', 'ward'], personnelUserId(ORG, '1002')],
    ]);
    expect(parsed.rows[1]!.body).toMatchObject({ displayName: 'Anna Berg', ward: 'Notaufnahme', active: true });
  });

  it('keeps the department and role of known people when the file has no such column', () => {
    const known = [user('1001', { role: 'admin', ward: 'Kardiologie' }), user('1002', { ward: 'Notaufnahme' })];
    const parsed = plan(utf8('Personalnummer;Name\n1001;Jörg Weiß\n1002;Anna Berg\n1003;Neu Person\n'), known);
    expect(parsed.rows.map((r) => [r.action, r.changes, r.role, r.ward])).toEqual([
      ['unchanged', [], 'admin', 'Kardiologie'],
      ['update', ['displayName'], 'member', 'Notaufnahme'],
      ['create', [], 'member', null],
    ]);
    expect(parsed.rows[1]!.body).toMatchObject({ role: 'member', ward: 'Notaufnahme' });
    // An empty cell in a column that is there still means "no department" and "member".
    const emptied = plan(utf8('Personalnummer;Name;Abteilung;Rolle\n1001;Jörg Weiß;;\n'), known);
    expect(emptied.rows[0]).toMatchObject({ action: 'update', changes: ['ward', 'role'] });
  });

  it('lets a department admin update its people from a file without a department column', () => {
    const actor: ImportActor = { kind: 'delegate', scope: { kind: 'departments', departments: ['Kardiologie'] } };
    const parsed = plan(
      utf8('Personalnummer;Name\n1001;Jörg Neu\n1002;Anna Berg\n1003;Chef Arzt\n'),
      [user('1001'), user('1002', { ward: 'Notaufnahme' }), user('1003', { role: 'admin' })],
      actor,
    );
    // Anna (another department) and the admin stay out of reach, with the row's sentence only.
    expect(parsed.rows.map((r) => [r.action, r.problems])).toEqual([
      ['update', []],
      ['error', [{ field: 'row', code: 'outside_scope' }]],
      ['error', [{ field: 'row', code: 'outside_scope' }]],
    ]);
    const withWard = plan(
      utf8('Personalnummer;Name;Abteilung\n1003;Chef Arzt;Kardiologie\n'),
      [user('1003', { role: 'admin' })],
      actor,
    );
    expect(withWard.rows[0]!.problems).toEqual([{ field: 'row', code: 'outside_scope' }]);
  });

  it('reactivates a deactivated person the file lists again', () => {
    const parsed = plan(file, [user('1001', { active: false })]);
    expect(parsed.rows[0]).toMatchObject({ action: 'update', changes: ['active'] });
  });
});

describe('a department admin imports within the delegation only', () => {
  const actor: ImportActor = { kind: 'delegate', scope: { kind: 'departments', departments: ['Kardiologie'] } };

  it('refuses admins, other departments and people of other departments', () => {
    const parsed = plan(
      utf8(
        'Personalnummer;Name;Abteilung;Rolle\n1;A B;Kardiologie;\n2;C D;Notaufnahme;\n3;E F;Kardiologie;Admin\n4;G H;Kardiologie;\n5;I J;;\n',
      ),
      [user('4', { ward: 'Notaufnahme' })],
      actor,
    );
    expect(parsed.rows.map((r) => [r.action, r.problems])).toEqual([
      ['create', []],
      ['error', [{ field: 'ward', code: 'outside_scope' }]],
      ['error', [{ field: 'role', code: 'admin_not_allowed' }]],
      ['error', [{ field: 'row', code: 'outside_scope' }]],
      ['error', [{ field: 'ward', code: 'outside_scope' }]],
    ]);
  });
});

describe('letters after a large import', () => {
  it('accepts letters for everyone a file of the largest allowed size imports', () => {
    const lines = Array.from({ length: MAX_IMPORT_ROWS }, (_, i) => `${i + 1};Person ${i + 1}`);
    const planned = plan(utf8(`Personalnummer;Name\n${lines.join('\n')}\n`));
    expect(planned.counts.create).toBe(MAX_IMPORT_ROWS);
    const userIds = planned.rows.map((r) => r.userId!);
    expect(userImportMethods['admin.bulkLetters'].input.safeParse({ userIds }).success).toBe(true);
  });
});
