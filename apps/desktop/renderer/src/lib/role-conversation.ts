// "Nachricht an den Dienst": opens this user's conversation with a function role (made on first
// use; its members follow the role's holders in the core) in the channel view.
import { call } from './api.ts';
import type { Workspace } from './workspace.svelte.ts';
import type { AppErrorShape } from '@klinikfunk/protocol/api/result.ts';

export async function openRoleConversation(ws: Workspace, roleId: string): Promise<AppErrorShape | null> {
  const result = await call('roles.openConversation', { roleId });
  if (!result.ok) return result.error;
  ws.open(result.value.channelId);
  return null;
}
