// Electron's IPC serializes a typed array with its whole ArrayBuffer (V8's ValueSerializer, as
// Electron uses it). A Node Buffer is often a view into more memory: the shared 8 KiB pool of
// small buffers, or a bigger decrypted chunk. Before anything leaves the main process, every
// such view is copied to exactly its bytes, so the renderer never receives the memory around it
// (another profile's plaintext, key material).

const isTight = (bytes: Uint8Array): boolean => bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;

/** `value` with every Uint8Array that views more memory replaced by a copy of its bytes. */
export function ownBytes<T>(value: T): T {
  return own(value, 0) as T;
}

// Results are plain data (the contract's zod shapes): objects and arrays, a few levels deep.
function own(value: unknown, depth: number): unknown {
  if (value instanceof Uint8Array) return isTight(value) ? value : new Uint8Array(value);
  if (typeof value !== 'object' || value === null || depth > 32) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    value.forEach((item, i) => {
      const next = own(item, depth + 1);
      if (next !== item) (copy ??= [...value])[i] = next;
    });
    return copy ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  let copy: Record<string, unknown> | null = null;
  for (const [key, item] of Object.entries(value)) {
    const next = own(item, depth + 1);
    if (next !== item) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}
