// English strings of the CSV user import and the bulk registration letters; merged into en.ts.
export const enUserImport = {
  'orgAdmin.tab.import': 'CSV import',
  'import.title': 'Take people over from a CSV file',
  'import.help':
    'For clinics without a directory service: save the staff list from Excel or the HR system as a CSV file with the columns personnel number, name, department and role (an empty role means member). Klinikfunk first shows a preview; only “Import” changes anything. People are recognised by their personnel number: importing the same file again creates nobody twice, and changed names and departments are taken over.',
  'import.file': 'CSV file',
  'import.fileHelp': 'Separated by semicolons or commas; UTF-8 or Windows (ANSI) characters, as Excel saves them.',
  'import.reading': 'Checking the file …',
  'import.summary': '{create} new, {update} changed, {unchanged} unchanged, {error} with errors',
  'import.fileInfo': 'Read as {encoding}, separator “{separator}”.',
  'import.hasErrors':
    '{count} rows have errors. Nothing is imported while any row has an error. Correct the marked rows in the file, save it and choose it here again.',
  'import.nothingToDo': 'Everyone in the file is already entered like this. There is nothing to import.',
  'import.previewTitle': 'Preview',
  'import.col.line': 'Line',
  'import.col.personnelNumber': 'Personnel number',
  'import.col.name': 'Name',
  'import.col.ward': 'Department',
  'import.col.role': 'Role',
  'import.col.result': 'Result',
  'import.role.admin': 'Admin',
  'import.role.member': 'Member',
  'import.action.create': 'Will be created',
  'import.action.update': 'Will change: {changes}',
  'import.action.unchanged': 'Unchanged',
  'import.action.error': 'Error',
  'import.change.displayName': 'name',
  'import.change.ward': 'department',
  'import.change.role': 'role',
  'import.change.active': 'reactivated',
  'import.submit': 'Import {count} people',
  'import.confirmTitle': 'Import people?',
  'import.confirmText':
    '{create} people will be created and {update} changed. The changes apply at once across the organisation.',
  'import.confirm': 'Import',
  'import.done': 'Imported: {created} new, {updated} changed, {unchanged} unchanged.',
  'import.another': 'Choose another file',
  'import.lettersTitle': 'Registration letters for the new people',
  'import.lettersHelp':
    'Klinikfunk makes a new registration key for every person and saves all letters as one PDF file, one page per person. The keys are only in this file.',
  'import.lettersAll': 'Also for people who were already entered ({count})',
  'import.lettersSave': 'Save letters for {count} people as PDF …',
  'import.lettersNone': 'No new people: make letters for people already entered with the box above.',
  'import.lettersSaved':
    'The file “{file}” with {count} letters was saved. It holds secret one-time keys: print it right away and then delete the file (from the recycle bin too).',
  'import.lettersCancelled': 'Nothing was saved and no key was made.',
  'import.file.empty': 'The file holds no people. Choose the exported list with a header line and at least one person.',
  'import.file.no_header':
    'The first line is not a header line. It needs the columns “Personnel number” and “Name”, plus “Department” and “Role” where present.',
  'import.file.missing_column':
    'The column “{column}” is missing from the header line. Add it in the file and choose the file again.',
  'import.file.too_many_rows': 'The file has more than 5000 people. Split it into several files.',
  'import.file.unclosed_quote': 'A closing quote is missing from line {line} on. Check this line in the file.',
  'import.column.personnelNumber': 'Personnel number',
  'import.column.displayName': 'Name',
  'import.problem.personnelNumber.missing': 'Personnel number missing: enter it.',
  'import.problem.personnelNumber.too_long': 'Personnel number too long: at most 64 characters.',
  'import.problem.personnelNumber.invalid_chars':
    'Personnel number has spaces or special characters: letters, digits and . / _ - are allowed.',
  'import.problem.personnelNumber.duplicate':
    'Personnel number is already in line {line}: each person may appear only once.',
  'import.problem.displayName.missing': 'Name missing: enter the name.',
  'import.problem.displayName.too_long': 'Name too long: at most 200 characters.',
  'import.problem.ward.too_long': 'Department too long: at most 200 characters.',
  'import.problem.ward.outside_scope':
    'This department is not part of your delegated administration: leave the row out or pass it to the administrators.',
  'import.problem.role.unknown_role': 'Unknown role: write “Member” or “Admin”, or leave it empty (member).',
  'import.problem.role.admin_not_allowed': 'Only administrators create admins: change the role to “Member”.',
  'import.problem.row.too_many_fields': 'The row has more fields than the header line: check separators and quotes.',
  'import.problem.row.outside_scope':
    'This person is not part of your delegated administration and cannot be changed here.',
};
