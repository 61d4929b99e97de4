// The shell's secure store over Electron's safeStorage (its async API), against a stand-in for
// safeStorage: the Electron binary cannot run here. What matters is that bytes survive the
// string-only API, a rotated OS key asks for a new seal, a failure to open is an error, and
// Linux's built-in 'basic_text' key never counts as a secure store.
import { describe, expect, it } from 'vitest';
import { electronSafeStorage } from '../../../apps/desktop/electron/main/safe-storage.ts';

type Backend = Parameters<typeof electronSafeStorage>[0];

function backend(
  options: { available?: boolean; store?: ReturnType<Backend['getSelectedStorageBackend']>; rotated?: boolean } = {},
): Backend {
  // A reversible stand-in seal with a marker, so a foreign blob is told apart as DPAPI does.
  return {
    isAsyncEncryptionAvailable: async () => options.available ?? true,
    getSelectedStorageBackend: () => options.store ?? 'gnome_libsecret',
    encryptStringAsync: async (plain: string) => Buffer.from(`sealed:${[...plain].reverse().join('')}`),
    decryptStringAsync: async (sealed: Buffer) => {
      const text = sealed.toString();
      if (!text.startsWith('sealed:'))
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return {
        result: [...text.slice('sealed:'.length)].reverse().join(''),
        shouldReEncrypt: options.rotated ?? false,
      };
    },
  };
}

describe('electron safeStorage as the platform secure store', () => {
  it('round-trips arbitrary bytes (not valid UTF-8) through the string API', async () => {
    const store = electronSafeStorage(backend(), 'win32');
    const bytes = new Uint8Array([0, 255, 128, 10, 13, 0xc3, 0x28]);
    const sealed = await store.encrypt(bytes);
    expect(Buffer.from(sealed).includes(Buffer.from(bytes))).toBe(false);
    expect(await store.decrypt(sealed)).toEqual({ plain: bytes, reseal: false });
    expect((await electronSafeStorage(backend({ rotated: true }), 'win32').decrypt(sealed)).reseal).toBe(true);
  });

  it('a blob it cannot open is an error, never garbage', async () => {
    const store = electronSafeStorage(backend(), 'win32');
    await expect(store.decrypt(new Uint8Array([1, 2, 3]))).rejects.toThrow();
  });

  it('is available on Windows when Electron says so, never with Linux basic_text', async () => {
    expect(await electronSafeStorage(backend(), 'win32').isAvailable()).toBe(true);
    expect(await electronSafeStorage(backend({ available: false }), 'win32').isAvailable()).toBe(false);
    expect(await electronSafeStorage(backend({ store: 'gnome_libsecret' }), 'linux').isAvailable()).toBe(true);
    expect(await electronSafeStorage(backend({ store: 'basic_text' }), 'linux').isAvailable()).toBe(false);
  });
});
