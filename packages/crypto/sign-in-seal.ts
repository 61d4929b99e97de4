// The sealed sign-in request (packages/protocol/wire/directory-sign-in.ts): crypto_box_seal to the
// X25519 form of the directory agent's Ed25519 key, the key the org-signed delegation names. Only
// the agent's secret key opens it; the relay that carries it, and anyone else, sees random bytes.
// The workstation's ephemeral key is new per request, so two requests cannot be linked by it.
//
//   sealed = ephemeral X25519 public key (32) || XSalsa20-Poly1305 box of the JSON request (+16)
import { sodium } from './sodium.ts';

/** Seals `plaintext` to the holder of the Ed25519 public key `agentPublicKey`. */
export function sealToAgent(plaintext: Uint8Array, agentPublicKey: Uint8Array): Uint8Array {
  const s = sodium();
  const boxKey = s.crypto_sign_ed25519_pk_to_curve25519(agentPublicKey);
  return s.crypto_box_seal(plaintext, boxKey);
}

/** Opens a sealed request with the agent's Ed25519 secret key; null when it was not sealed to it or was changed. */
export function openAsAgent(sealed: Uint8Array, agentSecretKey: Uint8Array): Uint8Array | null {
  const s = sodium();
  const publicKey = s.crypto_sign_ed25519_pk_to_curve25519(agentSecretKey.subarray(32));
  const secretKey = s.crypto_sign_ed25519_sk_to_curve25519(agentSecretKey);
  try {
    return s.crypto_box_seal_open(sealed, publicKey, secretKey);
  } catch {
    return null;
  } finally {
    s.memzero(secretKey);
  }
}
