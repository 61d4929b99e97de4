// Ed25519 signatures behind one interface with two implementations: libsodium (wasm) and
// node:crypto (OpenSSL, native). Verification dominates catch-up (every envelope is signed) and
// wasm manages ~7k verifies/s on the CI machine, so the main process uses node:crypto for
// verify; both must agree on every input (tests/unit/crypto/primitives.test.ts, "Ed25519:
// libsodium and node:crypto agree").
import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { sodium } from './sodium.ts';

export interface SignatureItem {
  signature: Uint8Array;
  message: Uint8Array;
  publicKey: Uint8Array;
}

export interface SignatureVerifier {
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  /** Many at once; implementations may spread the work over threads. Same answers as `verify`. */
  verifyMany(items: readonly SignatureItem[]): Promise<boolean[]>;
}

function sodiumVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return sodium().crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

export const sodiumVerifier: SignatureVerifier = {
  verify: sodiumVerify,
  verifyMany: async (items) => items.map((i) => sodiumVerify(i.signature, i.message, i.publicKey)),
};

/** node:crypto verifier with a small cache of key objects (catch-up sees the same 20 senders 10k times). */
export function createNodeVerifier(cacheSize = 4096): SignatureVerifier {
  const cache = new Map<string, KeyObject | null>();
  const keyObject = (publicKey: Uint8Array): KeyObject | null => {
    const id = toBase64Url(publicKey);
    let key = cache.get(id);
    if (key === undefined) {
      try {
        key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: id }, format: 'jwk' });
      } catch {
        key = null;
      }
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      cache.set(id, key);
    }
    return key;
  };
  const verifyOne = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean => {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    const key = keyObject(publicKey);
    if (!key) return false;
    try {
      return nodeVerify(null, message, key, signature);
    } catch {
      return false;
    }
  };
  // The callback form runs in libuv's thread pool, so a catch-up page is verified on every core.
  const verifyAsync = (item: SignatureItem): Promise<boolean> =>
    new Promise((resolve) => {
      if (item.signature.length !== 64 || item.publicKey.length !== 32) return resolve(false);
      const key = keyObject(item.publicKey);
      if (!key) return resolve(false);
      try {
        nodeVerify(null, item.message, key, item.signature, (error, ok) => resolve(!error && ok));
      } catch {
        resolve(false);
      }
    });
  return { verify: verifyOne, verifyMany: (items) => Promise.all(items.map(verifyAsync)) };
}

export const defaultVerifier: SignatureVerifier = createNodeVerifier();

export function signDetached(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return sodium().crypto_sign_detached(message, secretKey);
}
