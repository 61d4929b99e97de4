// Method names of the organisation key (api/features/org-key.ts); merged into names.ts.
export const ORG_KEY_METHOD_NAMES = [
  'admin.exportOrgKey',
  'admin.importOrgKey',
  'admin.rotateOrgKey',
  'admin.exportOrgKeyShares',
  'orgKey.restoreFromShares',
] as const;
