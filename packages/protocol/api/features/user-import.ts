// API of the CSV user import (issue 19 item 4, for clinics without a directory): a personnel
// export (personnel number, name, department, role) is checked row by row, shown as a preview,
// then applied all at once; registration letters for the imported people come as one PDF.
// Merged into contract.ts; the names are in ./user-import-names.ts.
import { z } from 'zod';
import { bytes } from '../bytes.ts';
import { method } from '../define.ts';

const id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/** A CSV file as read from disk: the core decodes it (UTF-8 with or without BOM, or Windows-1252). */
const importInput = z.strictObject({
  file: bytes(4 * 1024 * 1024),
  /** Import as a department admin under this delegation (only members of its departments). */
  delegationId: id.optional(),
});

/** Why a row cannot be imported, by field; the renderer says what to fix in the staff's language. */
export const importProblemSchema = z.object({
  field: z.enum(['personnelNumber', 'displayName', 'ward', 'role', 'row']),
  code: z.enum([
    'missing',
    'too_long',
    'invalid_chars',
    'unknown_role',
    'duplicate',
    'too_many_fields',
    'outside_scope',
    'admin_not_allowed',
  ]),
  /** The first line of the file with the same personnel number, for `duplicate`. */
  otherLine: z.number().int().optional(),
});

export const importRowSchema = z.object({
  /** Line in the file (1 = the header line). */
  line: z.number().int(),
  personnelNumber: z.string(),
  displayName: z.string(),
  ward: z.string().nullable(),
  role: z.enum(['admin', 'member']).nullable(),
  action: z.enum(['create', 'update', 'unchanged', 'error']),
  /** For `update`: what changes (a deactivated person is reactivated). */
  changes: z.array(z.enum(['displayName', 'ward', 'role', 'active'])),
  problems: z.array(importProblemSchema),
  /** The user id the row maps to (derived from the personnel number), for letters after the import. */
  userId: z.string().nullable(),
});

export const importPreviewSchema = z.object({
  encoding: z.enum(['utf-8', 'windows-1252']),
  separator: z.enum([';', ',', '\t']),
  /** A problem with the file as a whole (no header, a missing column); then `rows` is empty. */
  fileProblem: z
    .object({
      code: z.enum(['empty', 'no_header', 'missing_column', 'too_many_rows', 'unclosed_quote']),
      column: z.enum(['personnelNumber', 'displayName', 'ward', 'role']).optional(),
      line: z.number().int().optional(),
    })
    .nullable(),
  rows: z.array(importRowSchema),
  counts: z.object({
    create: z.number().int(),
    update: z.number().int(),
    unchanged: z.number().int(),
    error: z.number().int(),
  }),
});

export const userImportMethods = {
  'admin.importPreview': method({
    input: importInput,
    output: importPreviewSchema,
    doc: 'Reads a CSV export (`;`, `,` or tab separated; UTF-8 with or without BOM, or Windows-1252; quoted fields; header names in German or English: Personalnummer, Name, Abteilung/Station, Rolle) and says per row what an import would do: create, update (changed name, department or role, or reactivate), unchanged, or the problems to fix. Nothing is signed or sent. Admin devices holding the organisation key, or the holder of `delegationId` (members of its departments only); `not_permitted` otherwise.',
  }),
  'admin.importApply': method({
    input: importInput,
    output: z.object({
      created: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      /** Every user of the file (created, updated or unchanged), in file order, for the letters. */
      userIds: z.array(z.string()),
    }),
    doc: 'Checks the file again and imports it all or nothing: with one problem row (or a file problem) nothing is signed and the answer is `invalid_input`. A person is found again by the personnel number (the user id derives from it), so importing the same file twice changes nothing and an import with changed names or departments updates them. A connection lost in the middle leaves the rows sent so far imported; importing the same file again completes it.',
  }),
  'admin.bulkLetters': method({
    input: z.strictObject({
      /** As many as one import may hold (MAX_IMPORT_ROWS in core/account/user-import/import-plan.ts). */
      userIds: z.array(id).min(1).max(5000),
      delegationId: id.optional(),
      /** The letters' language (the app's language). */
      language: z.enum(['de', 'en']).default('de'),
    }),
    output: z.object({ saved: z.boolean(), fileName: z.string().nullable(), letters: z.number().int() }),
    doc: "Asks for a place to save (the system's save dialog), then makes a fresh registration key for every given active user and writes one PDF with one registration letter per page, written once and never kept by the app; the keys appear nowhere else. `saved: false` when the dialog was cancelled (then no key was made). `not_found` for an unknown or deactivated user; `not_permitted` outside the admin's or the delegation's reach.",
  }),
};

export type ImportPreview = z.output<typeof importPreviewSchema>;
export type ImportRow = z.output<typeof importRowSchema>;
export type ImportProblem = z.output<typeof importProblemSchema>;
