// The OS secure store through Electron's safeStorage: DPAPI on Windows (bound to the Windows
// account), Keychain on macOS, libsecret/KWallet on Linux. Linux without a keyring falls back to
// 'basic_text', a key built into Chromium: that protects nothing, so it counts as not available.
import type { SafeStorage as ElectronSafeStorage } from 'electron';
import type { SafeStorage } from '../core/platform/platform.ts';

type Backend = Pick<
  ElectronSafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

export function electronSafeStorage(safeStorage: Backend, platform: NodeJS.Platform = process.platform): SafeStorage {
  return {
    isAvailable: async () => {
      if (!(await safeStorage.isAsyncEncryptionAvailable())) return false;
      return platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
    },
    // safeStorage seals strings; the bytes travel as base64 inside.
    encrypt: async (plain) =>
      new Uint8Array(await safeStorage.encryptStringAsync(Buffer.from(plain).toString('base64'))),
    decrypt: async (sealed) => {
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(sealed));
      return { plain: new Uint8Array(Buffer.from(result, 'base64')), reseal: shouldReEncrypt };
    },
  };
}
