// Sentences for the CSV import preview: a file problem or a row's problems, in the staff's
// language, each saying what to fix (the core sends codes: api/features/user-import.ts).
import type { ImportPreview, ImportProblem, ImportRow } from '@klinikfunk/protocol/api/features/user-import.ts';
import { t, type MessageKey } from '../../i18n/i18n.svelte.ts';

export function fileProblemText(problem: NonNullable<ImportPreview['fileProblem']>): string {
  return t(`import.file.${problem.code}` as MessageKey, {
    column: problem.column ? t(`import.column.${problem.column}` as MessageKey) : '',
    line: problem.line ?? '',
  });
}

export function problemText(problem: ImportProblem): string {
  return t(`import.problem.${problem.field}.${problem.code}` as MessageKey, { line: problem.otherLine ?? '' });
}

export function resultText(row: ImportRow): string {
  if (row.action !== 'update') return t(`import.action.${row.action}` as MessageKey);
  const changes = row.changes.map((c) => t(`import.change.${c}` as MessageKey)).join(', ');
  return t('import.action.update', { changes });
}
