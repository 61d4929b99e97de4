// Method names of the support package (api/features/support.ts); merged into names.ts.
export const SUPPORT_METHOD_NAMES = ['support.exportPackage'] as const;
