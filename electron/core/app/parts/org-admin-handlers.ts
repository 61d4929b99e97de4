// IPC handlers of the API part for organisation administration (issue 9) (shared/api/parts/org-admin-contract.ts).
import type { ORG_ADMIN_METHOD_NAMES } from '../../../../shared/api/parts/org-admin-names.ts';
import type { Handlers } from '../../../ipc/router.ts';
import type { HandlerContext } from '../handler-context.ts';

type Names = (typeof ORG_ADMIN_METHOD_NAMES)[number];

export function orgAdminHandlers(_ctx: HandlerContext): Pick<Handlers, Names> {
  return {};
}
