// Connects Electron's ipcMain to the router. The sender frame travels with every call so the
// router can refuse anything but the app's own top frame.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { EventPayload } from '@klinikfunk/protocol/api/contract.ts';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type EventName } from '@klinikfunk/protocol/api/names.ts';
import { events } from '@klinikfunk/protocol/api/contract.ts';
import { ownBytes } from '../ipc/own-bytes.ts';
import type { Router } from '../ipc/router.ts';
import type { SenderInfo } from '../ipc/sender.ts';

export function senderOf(event: IpcMainInvokeEvent): SenderInfo {
  const frame = event.senderFrame;
  // A frame that navigated away or was destroyed has no URL: treat it as foreign.
  return { url: frame?.url ?? '', isMainFrame: frame !== null && frame === event.sender.mainFrame };
}

export function registerIpc(ipcMain: IpcMain, router: Router): void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, input: unknown) =>
    ownBytes(await router.invoke(senderOf(event), method, input)),
  );
}

/** Sends a contract event to the window, validated like everything else that crosses. */
export function sendEvent<E extends EventName>(contents: WebContents | null, event: E, payload: EventPayload<E>): void {
  if (!contents || contents.isDestroyed()) return;
  const parsed = events[event].payload.parse(payload);
  contents.send(IPC_EVENT_CHANNEL, event, ownBytes(parsed));
}
