// IPC handlers of the API part for polls, files and calendar (issue 7) (shared/api/parts/collab-contract.ts).
import type { COLLAB_METHOD_NAMES } from '../../../../shared/api/parts/collab-names.ts';
import type { Handlers } from '../../../ipc/router.ts';
import type { HandlerContext } from '../handler-context.ts';

type Names = (typeof COLLAB_METHOD_NAMES)[number];

export function collabHandlers(_ctx: HandlerContext): Pick<Handlers, Names> {
  return {};
}
