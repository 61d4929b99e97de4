// IPC adapter of the CSV user import and bulk registration letters (issue 19 item 4;
// packages/protocol/api/features/user-import.ts): each call goes to the UserImportService
// (admin/user-import-service.ts), which checks who acts (an admin device, or a delegation's holder).
import type { USER_IMPORT_METHOD_NAMES } from '@klinikfunk/protocol/api/features/user-import-names.ts';
import type { Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import { UserImportService } from '../admin/user-import-service.ts';
import type { HandlerContext } from '../handler-context.ts';

type Names = (typeof USER_IMPORT_METHOD_NAMES)[number];

export function userImportHandlers(ctx: HandlerContext): Pick<Handlers, Names> {
  const imports = new UserImportService(ctx);
  return {
    'admin.importPreview': ({ file, delegationId }) => imports.preview(file, delegationId),
    'admin.importApply': ({ file, delegationId }) => imports.apply(file, delegationId),
    'admin.bulkLetters': (input) => imports.bulkLetters(input),
  };
}
