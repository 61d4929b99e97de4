// Method and event names of the API part for delegated administration and org key rotation (issue 19); merged into names.ts.
export const DELEGATION_METHOD_NAMES = [
  'admin.delegations',
  'admin.createDelegation',
  'admin.revokeDelegation',
  'admin.rotateOrgKey',
] as const;
export const DELEGATION_EVENT_NAMES = [] as const;
