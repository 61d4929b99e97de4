// Method names of user administration (api/features/users-admin.ts); merged into names.ts.
export const USERS_ADMIN_METHOD_NAMES = [
  'admin.addUser',
  'admin.createRegistrationKey',
  'admin.users',
  'admin.updateUser',
  'admin.registrationKeys',
  'admin.revokeRegistrationKey',
] as const;
