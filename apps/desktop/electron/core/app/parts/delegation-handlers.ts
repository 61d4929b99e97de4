// IPC adapter of the API part for delegated administration, org key rotation and emergency shares
// (issue 19) (packages/protocol/api/features/delegation.ts, org-key.ts): access is checked first
// (requireAdminRuntime: active admin in the directory + org key on this device), then the call
// goes to the profile's DelegationService (admin/delegation-service.ts).
import type { DELEGATION_METHOD_NAMES } from '@klinikfunk/protocol/api/features/delegation-names.ts';
import type { ORG_KEY_METHOD_NAMES } from '@klinikfunk/protocol/api/features/org-key-names.ts';
import type { Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import { requireAdminRuntime } from '../admin/admin-records.ts';
import { delegationService } from '../admin/delegation-service.ts';
import type { HandlerContext } from '../handler-context.ts';
import type { ProfileRuntime } from '../profile-runtime.ts';

/** The holder's side (`delegated.*`) is in delegated-handlers.ts. */
/** The admin's side of delegation, and the org key's rotation and emergency shares (its backup file is in org-admin-handlers.ts). */
type Names =
  | Exclude<(typeof DELEGATION_METHOD_NAMES)[number], `delegated.${string}`>
  | Exclude<(typeof ORG_KEY_METHOD_NAMES)[number], 'admin.exportOrgKey' | 'admin.importOrgKey'>;

const done = { done: true as const };

export function delegationHandlers(ctx: HandlerContext): Pick<Handlers, Names> {
  const deps = { clock: ctx.clock, log: ctx.log };
  const service = (runtime: ProfileRuntime) => delegationService(runtime, deps);
  const admin = () => service(requireAdminRuntime(ctx.sessions));

  return {
    'admin.delegations': () => admin().delegations(),
    'admin.createDelegation': (input) => admin().createDelegation(input),
    'admin.revokeDelegation': async ({ delegationId, reason }) => {
      await admin().revokeDelegation(delegationId, reason);
      return done;
    },
    'admin.rotateOrgKey': () => admin().rotateOrgKey(),
    'admin.exportOrgKeyShares': ({ threshold, total }) => admin().exportOrgKeyShares(threshold, total),
    'orgKey.restoreFromShares': ({ shares }) => service(ctx.sessions.visible()).restoreFromShares(shares),
  };
}
