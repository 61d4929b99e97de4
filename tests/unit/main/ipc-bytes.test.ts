// Bytes leave the main process through Electron's IPC, which serializes with V8's ValueSerializer
// as it is (electron/shell/common/v8_value_serializer.cc): a typed array goes with its whole
// ArrayBuffer. A Node Buffer is often a view into more memory (the shared 8 KiB pool, a bigger
// decrypted chunk), so what crosses must be exactly the view's bytes, or the renderer receives
// whatever else that memory held (another profile's plaintext, keys).
import { Deserializer, Serializer } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { registerIpc } from '../../../apps/desktop/electron/main/ipc.ts';
import type { Router } from '../../../apps/desktop/electron/ipc/router.ts';

/** What the other side of Electron's IPC receives: V8's serializer without host-object treatment. */
function acrossIpc(value: unknown): unknown {
  const serializer = new Serializer();
  serializer.writeHeader();
  serializer.writeValue(value);
  const deserializer = new Deserializer(serializer.releaseBuffer());
  deserializer.readHeader();
  return deserializer.readValue() as unknown;
}

const SECRET = 'Patient Mueller, Zimmer 12';

/** A 4-byte Buffer from Node's pool, allocated right after a string that must not cross. */
function pooledBytes(): Buffer {
  const secret = Buffer.from(SECRET);
  const bytes = Buffer.from([1, 2, 3, 4]);
  expect(bytes.buffer).toBe(secret.buffer);
  return bytes;
}

const memory = (bytes: Uint8Array) => Buffer.from(bytes.buffer).toString('latin1');

describe('bytes over Electron IPC', () => {
  it('a method result carries exactly its bytes, not the memory around them', async () => {
    let handler: ((event: IpcMainInvokeEvent, method: unknown, input: unknown) => Promise<unknown>) | null = null;
    const ipcMain = { handle: (_channel: string, fn: typeof handler) => (handler = fn) } as unknown as IpcMain;
    const router: Router = {
      invoke: async () => ({ ok: true, value: { mimeType: 'image/png', data: pooledBytes() } }),
    };
    registerIpc(ipcMain, router);
    const event = { senderFrame: null, sender: { mainFrame: null } } as unknown as IpcMainInvokeEvent;
    const result = acrossIpc(await handler!(event, 'files.thumbnail', {})) as { value: { data: Uint8Array } };
    expect([...result.value.data]).toEqual([1, 2, 3, 4]);
    expect(memory(result.value.data)).not.toContain(SECRET);
  });
});
