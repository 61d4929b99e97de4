// Method and event names of the API part for delegated administration, org key rotation and emergency shares (issue 19); merged into names.ts.
export const DELEGATION_METHOD_NAMES = [
  'admin.delegations',
  'admin.createDelegation',
  'admin.revokeDelegation',
  'admin.rotateOrgKey',
  'admin.exportOrgKeyShares',
  'orgKey.restoreFromShares',
  'delegated.mine',
  'delegated.addUser',
  'delegated.updateUser',
  'delegated.createRegistrationKey',
  'delegated.revokeDevice',
] as const;
export const DELEGATION_EVENT_NAMES = [] as const;
