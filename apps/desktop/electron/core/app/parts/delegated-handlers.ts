// IPC adapter for the holder of a delegation (Bereichsadministration, issue 19; `delegated.*` in
// packages/protocol/api/features/delegation.ts): each call goes to the visible profile's
// DelegatedService (admin/delegated-service.ts), which checks that this device holds the
// delegation and that the record stays inside it before anything is sent.
import type { DELEGATION_METHOD_NAMES } from '@klinikfunk/protocol/api/features/delegation-names.ts';
import type { Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import { delegatedService } from '../admin/delegated-service.ts';
import type { HandlerContext } from '../handler-context.ts';

type Names = Extract<(typeof DELEGATION_METHOD_NAMES)[number], `delegated.${string}`>;

const done = { done: true as const };

export function delegatedHandlers(ctx: HandlerContext): Pick<Handlers, Names> {
  const delegated = () => delegatedService(ctx.sessions.visible(), ctx.clock);

  return {
    'delegated.mine': () => delegated().mine(),
    'delegated.addUser': (input) => delegated().addUser(input),
    'delegated.updateUser': async (input) => {
      await delegated().updateUser(input);
      return done;
    },
    'delegated.createRegistrationKey': ({ delegationId, userId }) =>
      delegated().createRegistrationKey(delegationId, userId),
    'delegated.revokeDevice': async (input) => {
      await delegated().revokeDevice(input);
      return done;
    },
  };
}
