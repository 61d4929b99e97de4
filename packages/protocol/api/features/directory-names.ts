// Method names of the organisation directory (api/features/directory.ts); merged into names.ts.
export const DIRECTORY_METHOD_NAMES = ['directory.users'] as const;
