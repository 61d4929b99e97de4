// Method names of shared workstations (api/features/workstation.ts); merged into names.ts.
export const WORKSTATION_METHOD_NAMES = [
  'session.rules',
  'clipboard.copyMessage',
  'clipboard.copySelection',
  'clipboard.copyOrgFingerprint',
] as const;
