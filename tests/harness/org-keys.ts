// Organisation keys with a chosen kind of org id, the same on every run: half of all org ids
// contain `_` or `-` (base64url), and those once broke the OrgFingerprint pin. The seeds are
// tried in order 0, 1, 2, … so a test always gets the same key.
import { asOrgPublicKey, asOrgSigningKey, type generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { orgIdOf } from '@klinikfunk/crypto/records.ts';
import { readySodium, sodium } from '@klinikfunk/crypto/sodium.ts';

export async function orgKeysWithIdContaining(
  chars: readonly string[],
  skip = 0,
): Promise<ReturnType<typeof generateOrgKeys>> {
  await readySodium();
  let found = 0;
  for (let i = 0; i < 10_000; i++) {
    const seed = new Uint8Array(32);
    new DataView(seed.buffer).setUint32(0, i);
    const pair = sodium().crypto_sign_seed_keypair(seed);
    const id = orgIdOf(asOrgPublicKey(pair.publicKey));
    if (chars.every((c) => id.includes(c)) && found++ === skip)
      return { publicKey: asOrgPublicKey(pair.publicKey), secretKey: asOrgSigningKey(pair.privateKey) };
  }
  throw new Error(`no org id with ${chars.join(' and ')} among 10,000 seeds`);
}
