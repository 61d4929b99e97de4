// The harness bridge's frame codec: JSON, with every Uint8Array (a Node Buffer too) tagged as
// {"$bytes": base64} and read back as a Uint8Array, so the renderer and the core see the same types
// over the harness WebSocket as over Electron's structured clone. Object keys starting with "$"
// are escaped ("$x" travels as "$$x"), so nothing a page sends can pass for the tag.
const TAG = '$bytes';

export interface Base64 {
  encode(bytes: Uint8Array): string;
  decode(text: string): Uint8Array;
}

/** atob/btoa: in the browser (and in Node when nothing faster is given). */
export const plainBase64: Base64 = {
  encode(bytes) {
    let binary = '';
    for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
    return btoa(binary);
  },
  decode(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  },
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

export function encodeFrame(value: unknown, base64: Base64 = plainBase64): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, replaced: unknown) {
    // The holder's own value: a Buffer's toJSON() has already run on `replaced`.
    const raw = this[key];
    if (raw instanceof Uint8Array) return { [TAG]: base64.encode(raw) };
    if (isPlainObject(replaced) && Object.keys(replaced).some((k) => k.startsWith('$')))
      return Object.fromEntries(Object.entries(replaced).map(([k, v]) => [k.startsWith('$') ? `$${k}` : k, v]));
    return replaced;
  });
}

export function decodeFrame(text: string, base64: Base64 = plainBase64): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (!isPlainObject(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === TAG) {
      const encoded = value[TAG];
      if (typeof encoded !== 'string' || encoded.length % 4 !== 0) throw new Error('bad bytes tag');
      const bytes = base64.decode(encoded);
      // A decoder that skips what is not base64 would give fewer bytes than the text says.
      const padding = encoded.endsWith('==') ? 2 : encoded.endsWith('=') ? 1 : 0;
      if (bytes.length !== (encoded.length / 4) * 3 - padding) throw new Error('bad bytes tag');
      return bytes;
    }
    if (!keys.some((k) => k.startsWith('$'))) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.startsWith('$') ? k.slice(1) : k, v]));
  });
}
