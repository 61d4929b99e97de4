// Exposes window.klinikfunk: invoke and on, for contract names only. No logic lives here; the
// main process validates everything again.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, isEventName, isMethodName } from '@klinikfunk/protocol/api/names.ts';

contextBridge.exposeInMainWorld('klinikfunk', {
  invoke(method: unknown, input: unknown): Promise<unknown> {
    if (!isMethodName(method)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: 'Unknown method' } });
    }
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input);
  },
  on(event: unknown, listener: (payload: unknown) => void): () => void {
    if (!isEventName(event)) throw new Error('Unknown event');
    const forward = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
  },
});
