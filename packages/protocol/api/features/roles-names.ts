// Method names of the function-roles feature (api/features/roles.ts); merged into names.ts.
export const ROLES_METHOD_NAMES = [
  'roles.list',
  'roles.define',
  'roles.take',
  'roles.handOver',
  'roles.previewRoster',
  'roles.importRoster',
  'roles.openConversation',
  'roles.conversation',
  'roles.setEscalation',
] as const;
