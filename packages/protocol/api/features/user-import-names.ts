// Method names of the CSV user import and bulk registration letters (api/features/user-import.ts); merged into names.ts.
export const USER_IMPORT_METHOD_NAMES = ['admin.importPreview', 'admin.importApply', 'admin.bulkLetters'] as const;
