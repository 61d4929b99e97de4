// IPC handlers of the API part for shared workstations (issue 8) (shared/api/parts/workstation-contract.ts).
import type { WORKSTATION_METHOD_NAMES } from '../../../../shared/api/parts/workstation-names.ts';
import type { Handlers } from '../../../ipc/router.ts';
import type { HandlerContext } from '../handler-context.ts';

type Names = (typeof WORKSTATION_METHOD_NAMES)[number];

export function workstationHandlers(_ctx: HandlerContext): Pick<Handlers, Names> {
  return {};
}
