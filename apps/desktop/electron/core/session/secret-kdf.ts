// The Argon2id runs that test a guessed secret (unwrapping the DB key with a passphrase, checking
// a PIN), behind one interface: tests count them to prove that a throttled guess never reaches
// the KDF, instead of measuring time.
import { unwrapKeyWithPassphrase, verifySecret } from '../crypto/kdf.ts';

export interface SecretKdf {
  unwrap: typeof unwrapKeyWithPassphrase;
  verify: typeof verifySecret;
}

export const argon2idSecrets: SecretKdf = { unwrap: unwrapKeyWithPassphrase, verify: verifySecret };
