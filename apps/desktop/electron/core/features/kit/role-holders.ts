// Who holds a function role at a moment, for features other than roles (availability: a cover that
// is a role goes to its holders). Features do not import each other, so the roles feature registers
// its lookup here (features/store-features.ts) and the others ask through this port.
import type { ProfileStore } from '../../store/profile-store.ts';

export interface RoleHolding {
  name: string;
  userIds: string[];
  /** The role that stands in when nobody holds this one (issue 20 item 1); null: none. */
  backupRoleId: string | null;
}

/** The role's name and its holders at `at` by the signed role events; null for a role unknown here or retired. */
export type RoleHolderLookup = (store: ProfileStore, roleId: string, at: number) => RoleHolding | null;

let lookup: RoleHolderLookup | null = null;

export function registerRoleHolders(fn: RoleHolderLookup): void {
  lookup = fn;
}

/** Null also when no roles feature registered (a test that did not register the store features). */
export function roleHoldersAt(store: ProfileStore, roleId: string, at: number): RoleHolding | null {
  return lookup ? lookup(store, roleId, at) : null;
}
