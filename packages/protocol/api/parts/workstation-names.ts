// Method and event names of the API part for shared workstations (issue 8); merged into names.ts.
export const WORKSTATION_METHOD_NAMES = [
  'session.rules',
  'clipboard.copyMessage',
  'clipboard.copySelection',
  'clipboard.copyOrgFingerprint',
  'support.exportPackage',
] as const;
export const WORKSTATION_EVENT_NAMES = [] as const;
