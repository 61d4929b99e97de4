// The agent's own Ed25519 key: made once with `--new-key`, readable only by the agent's account
// (mode 0600); an admin names its public key as the holder of a delegation (admin.createDelegation).
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { ConfigError } from './config.ts';

export interface AgentKey {
  publicKey: string;
  secretKey: Uint8Array;
}

const keyFileSchema = z.strictObject({
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  secretKey: z.string().regex(/^[A-Za-z0-9_-]{86}$/),
});

/** Writes a fresh key; refuses to replace an existing file (its delegation would stop working). */
export async function newAgentKey(path: string): Promise<string> {
  await readySodium();
  const keys = generateOrgKeys();
  const publicKey = toBase64Url(keys.publicKey);
  writeFileSync(path, JSON.stringify({ publicKey, secretKey: toBase64Url(keys.secretKey) }) + '\n', {
    mode: 0o600,
    flag: 'wx',
  });
  return publicKey;
}

export function loadAgentKey(path: string): AgentKey {
  let parsed;
  try {
    parsed = keyFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new ConfigError(`keyFile: cannot read ${path}: ${(error as Error).message}`);
  }
  if (!parsed.success) throw new ConfigError(`keyFile: ${path} is not an agent key (make one with --new-key)`);
  const secretKey = fromBase64Url(parsed.data.secretKey)!;
  // An Ed25519 secret key ends with its public key: halves of two files would pass the delegation
  // check (which compares the public key) and then fail at the relay as a bare "bad signature".
  if (toBase64Url(secretKey.subarray(32)) !== parsed.data.publicKey)
    throw new ConfigError(`keyFile: in ${path} the secret key does not belong to the public key`);
  return { publicKey: parsed.data.publicKey, secretKey };
}
