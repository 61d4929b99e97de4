// Requests of an authenticated device about encrypted file blobs: begin or resume an upload, its
// chunks (hashed as they arrive where possible), and reading a blob the device may read.
import { createHash, type Hash } from 'node:crypto';
import type { ClientFrame } from '@klinikfunk/protocol/relay/frames.ts';
import type { RequestScope } from './connection-context.ts';
import { FrameError } from './frame-error.ts';
import type { BlobAccess } from './store/store.ts';
import type { DeviceIdentity } from './trust.ts';

/** Uploads a connection hashes as they arrive; beyond this (abandoned begins) completion reads back. */
const MAX_RUNNING_HASHES = 8;
/** SHA-256 of uploads a connection began from byte 0, so completing one needs no read-back. */
export type UploadHashes = Map<string, { hash: Hash; at: number; generation: number }>;

/** The uploader, or a device whose user belongs to a channel with a retained event referencing the blob. */
export function mayRead(scope: RequestScope, blob: BlobAccess, device: DeviceIdentity): boolean {
  return (
    blob.ownerDeviceId === device.deviceId ||
    blob.channels.some((channel) => scope.ctx.trust.isMember(channel, device.userId))
  );
}

export async function blobBegin(
  scope: RequestScope,
  uploads: UploadHashes,
  frame: Extract<ClientFrame, { t: 'blob_begin' }>,
  device: DeviceIdentity,
): Promise<void> {
  const { store, limits } = scope.ctx;
  if (frame.size > limits.maxBlobBytes) throw new FrameError('too_large', `blob over ${limits.maxBlobBytes} bytes`);
  let state = await store.blobState(frame.hash);
  if (state && state.ownerDeviceId !== device.deviceId) {
    // Another device's upload: only a reader of the complete blob learns its state (it needs no
    // upload then); anyone else learns neither size nor progress, and cannot touch it.
    const access = (await store.blobAccess([frame.hash])).get(frame.hash);
    if (!access?.complete || !mayRead(scope, access, device))
      throw new FrameError('not_permitted', "this hash names another device's upload");
  }
  if (!state) {
    const used = await store.blobUsage(device.deviceId);
    if (used + frame.size > limits.blobQuotaBytes)
      throw new FrameError('quota_exceeded', 'blob quota of this device is used up');
  }
  const begun = await store.blobBegin(frame.hash, frame.size, device.deviceId, Date.now());
  if (begun === 'conflict') throw new FrameError('conflict', 'a blob with this hash and another size exists');
  state = begun;
  if (!state.complete && state.received === 0 && uploads.size < MAX_RUNNING_HASHES)
    uploads.set(frame.hash, { hash: createHash('sha256'), at: 0, generation: state.generation });
  scope.send({
    t: 'blob_status',
    id: frame.id,
    hash: frame.hash,
    size: state.size,
    received: state.received,
    complete: state.complete,
  });
}

export async function blobChunk(
  scope: RequestScope,
  uploads: UploadHashes,
  frame: Extract<ClientFrame, { t: 'blob_chunk' }>,
  device: DeviceIdentity,
): Promise<void> {
  const { store } = scope.ctx;
  const { data } = frame;
  const state = await store.blobAppend(frame.hash, frame.offset, data, device.deviceId);
  if (state === 'not_owner') throw new FrameError('not_found', 'no upload of this device with this hash');
  if (state === 'conflict') {
    uploads.delete(frame.hash);
    const now = await store.blobState(frame.hash);
    throw new FrameError(
      'conflict',
      `chunk does not continue the upload (relay holds ${now?.received ?? 0} bytes${now?.complete ? ', complete' : ''})`,
    );
  }
  // The running hash covers the blob only if this connection appended every byte from 0 in
  // order to the same row; otherwise (a resumed upload, another connection in between, the blob
  // deleted and begun again by someone else: another generation) the bytes are read back.
  const running = uploads.get(frame.hash);
  if (running?.at === frame.offset && running.generation === state.generation) {
    running.hash.update(data);
    running.at += data.length;
  } else {
    uploads.delete(frame.hash);
  }
  if (state.received === state.size) {
    uploads.delete(frame.hash);
    let hash = running?.at === state.size ? running.hash : null;
    if (!hash) {
      hash = createHash('sha256');
      for (let at = 0; at < state.size; at += 4 * 1024 * 1024)
        hash.update(await store.blobRead(frame.hash, at, Math.min(4 * 1024 * 1024, state.size - at)));
    }
    if (hash.digest('hex') !== frame.hash) {
      await store.blobDelete(frame.hash);
      throw new FrameError('hash_mismatch', 'uploaded bytes do not match the hash; upload again');
    }
    await store.blobMarkComplete(frame.hash);
    state.complete = true;
  }
  scope.send({
    t: 'blob_status',
    id: frame.id,
    hash: frame.hash,
    size: state.size,
    received: state.received,
    complete: state.complete,
  });
}

/** Drops this device's blobs that no event names (a cancelled or failed upload); others stay. */
export async function blobDiscard(
  scope: RequestScope,
  frame: Extract<ClientFrame, { t: 'blob_discard' }>,
  device: DeviceIdentity,
): Promise<void> {
  await scope.ctx.store.blobDiscard(device.deviceId, frame.hashes);
  scope.send({ t: 'ok', id: frame.id });
}

export async function blobGet(scope: RequestScope, frame: Extract<ClientFrame, { t: 'blob_get' }>): Promise<void> {
  const { device } = scope;
  const { store } = scope.ctx;
  // A blob the device may not read is answered like one that does not exist.
  const access = (await store.blobAccess([frame.hash])).get(frame.hash);
  if (!access?.complete || !mayRead(scope, access, device)) throw new FrameError('not_found', 'no such blob');
  const state = await store.blobState(frame.hash);
  if (!state?.complete) throw new FrameError('not_found', 'no such blob');
  if (frame.offset > state.size) throw new FrameError('conflict', 'offset past the end');
  const data = await store.blobRead(frame.hash, frame.offset, Math.min(frame.length, state.size - frame.offset));
  return scope.send({
    t: 'blob_data',
    id: frame.id,
    hash: frame.hash,
    offset: frame.offset,
    size: state.size,
    data,
  });
}
