// Method and event names of the API part for organisation administration (issue 9); merged into names.ts.
export const ORG_ADMIN_METHOD_NAMES = [
  'admin.users',
  'admin.updateUser',
  'admin.registrationKeys',
  'admin.revokeRegistrationKey',
  'admin.deviceList',
  'admin.channels',
  'admin.setOrgSettings',
  'admin.auditLog',
  'admin.exportAuditCsv',
  'admin.exportOrgKey',
  'admin.importOrgKey',
  'org.settings',
  'policy.managed',
] as const;
export const ORG_ADMIN_EVENT_NAMES = [] as const;
