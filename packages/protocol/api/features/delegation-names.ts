// Method names of delegated administration (api/features/delegation.ts); merged into names.ts.
export const DELEGATION_METHOD_NAMES = [
  'admin.delegations',
  'admin.createDelegation',
  'admin.revokeDelegation',
  'delegated.mine',
  'delegated.addUser',
  'delegated.updateUser',
  'delegated.createRegistrationKey',
  'delegated.revokeDevice',
] as const;
