// What an import of a personnel CSV would do, row by row, against the directory as this device
// knows it: create, update, leave unchanged, or refuse with the problems to fix. The same plan
// serves the preview and the import itself (which plans again and refuses any problem row).
import type { ImportPreview, ImportProblem, ImportRow } from '@klinikfunk/protocol/api/features/user-import.ts';
import type { RecordBody } from '@klinikfunk/protocol/wire/records.ts';
import { parseCsv } from './csv-text.ts';
import { checkRow, readHeader } from './import-rows.ts';
import { personnelUserId } from './personnel-user-id.ts';

/** More rows than a clinic's staff list; keeps one import to one reviewable preview. */
export const MAX_IMPORT_ROWS = 5000;

type UserBody = RecordBody<'user'>;
type Scope = RecordBody<'delegation'>['scope'];

/** Who imports: an admin (any user) or a department admin (members of the delegation's scope). */
export type ImportActor = { kind: 'admin' } | { kind: 'delegate'; scope: Scope };

export interface PlanContext {
  orgId: string;
  user: (userId: string) => UserBody | undefined;
  actor: ImportActor;
}

/** A planned row with the user record body it would publish (null when nothing changes). */
export interface PlannedRow extends ImportRow {
  body: Omit<UserBody, 'orgId' | 'issuedAt'> | null;
  previousIssuedAt: number | null;
}

export interface ImportPlan extends Omit<ImportPreview, 'rows'> {
  rows: PlannedRow[];
}

function inScope(scope: Scope, role: 'admin' | 'member', ward: string | null): boolean {
  if (role !== 'member') return false;
  return scope.kind === 'all_members' || (ward !== null && scope.departments.includes(ward));
}

export function planImport(file: Uint8Array, ctx: PlanContext): ImportPlan {
  const parsed = parseCsv(file);
  const counts = { create: 0, update: 0, unchanged: 0, error: 0 };
  const base = { encoding: parsed.encoding, separator: parsed.separator, counts };
  if (!parsed.ok) return { ...base, fileProblem: { code: parsed.code, line: parsed.line }, rows: [] };
  const [header, ...data] = parsed.records;
  if (!header) return { ...base, fileProblem: { code: 'empty' }, rows: [] };
  const read = readHeader(header);
  if (!read.ok)
    return {
      ...base,
      fileProblem: read.code === 'no_header' ? { code: 'no_header' } : { code: read.code, column: read.column },
      rows: [],
    };
  if (data.length === 0) return { ...base, fileProblem: { code: 'empty' }, rows: [] };
  if (data.length > MAX_IMPORT_ROWS) return { ...base, fileProblem: { code: 'too_many_rows' }, rows: [] };

  const firstLine = new Map<string, number>();
  const { columns } = read.map;
  const rows = data.map((record): PlannedRow => {
    const checked = checkRow(record, read.map);
    const problems: ImportProblem[] = [...checked.problems];
    if (checked.personnelNumber !== '' && !problems.some((p) => p.field === 'personnelNumber')) {
      const other = firstLine.get(checked.personnelNumber);
      if (other !== undefined) problems.push({ field: 'personnelNumber', code: 'duplicate', otherLine: other });
      else firstLine.set(checked.personnelNumber, checked.line);
    }
    const userId = problems.some((p) => p.field === 'personnelNumber')
      ? null
      : personnelUserId(ctx.orgId, checked.personnelNumber);
    const previous = userId ? ctx.user(userId) : undefined;
    // A column the file does not have says nothing: a known person keeps department and role (an
    // export without "Abteilung" must not clear every department, nor one without "Rolle" demote admins).
    const keptWard = columns.ward === undefined && previous !== undefined;
    const row = {
      ...checked,
      ward: keptWard ? previous.ward : checked.ward,
      role: columns.role === undefined && previous ? previous.role : checked.role,
    };
    if (ctx.actor.kind === 'delegate' && row.role !== null) {
      // A kept role or department is the person's, not the file's: the row problem below says so.
      if (row.role === 'admin' && columns.role !== undefined)
        problems.push({ field: 'role', code: 'admin_not_allowed' });
      else if (
        row.role === 'member' &&
        !keptWard &&
        !inScope(ctx.actor.scope, row.role, row.ward) &&
        !problems.some((p) => p.field === 'ward')
      )
        problems.push({ field: 'ward', code: 'outside_scope' });
      if (previous && !inScope(ctx.actor.scope, previous.role, previous.ward))
        problems.push({ field: 'row', code: 'outside_scope' });
    }
    const shown = {
      line: row.line,
      personnelNumber: row.personnelNumber,
      displayName: row.displayName,
      ward: row.ward,
      role: row.role,
      userId,
    };
    if (problems.length > 0 || userId === null || row.role === null) {
      counts.error++;
      return { ...shown, action: 'error', changes: [], problems, body: null, previousIssuedAt: null };
    }
    const body = { userId, displayName: row.displayName, role: row.role, ward: row.ward, active: true };
    if (!previous) {
      counts.create++;
      return { ...shown, action: 'create', changes: [], problems, body, previousIssuedAt: null };
    }
    const changes = (['displayName', 'ward', 'role', 'active'] as const).filter((k) => previous[k] !== body[k]);
    if (changes.length === 0) {
      counts.unchanged++;
      return { ...shown, action: 'unchanged', changes, problems, body: null, previousIssuedAt: previous.issuedAt };
    }
    counts.update++;
    return { ...shown, action: 'update', changes, problems, body, previousIssuedAt: previous.issuedAt };
  });
  return { ...base, fileProblem: null, rows };
}

/** The preview the renderer gets: the plan without the record bodies. */
export function previewOf(plan: ImportPlan): ImportPreview {
  return { ...plan, rows: plan.rows.map(({ body: _body, previousIssuedAt: _at, ...row }) => row) };
}
