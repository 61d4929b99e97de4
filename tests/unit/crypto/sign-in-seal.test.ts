// The sealed sign-in request opens with the agent's key only: another key, a changed byte or a
// truncated box give null, never an exception or a partial plaintext.
import { beforeAll, describe, expect, it } from 'vitest';
import { generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { openAsAgent, sealToAgent } from '@klinikfunk/crypto/sign-in-seal.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';

describe('sign-in seal', () => {
  beforeAll(async () => {
    await readySodium();
  });

  it("opens with the agent's key and with no other, and refuses a changed or cut box", () => {
    const agent = generateOrgKeys();
    const other = generateOrgKeys();
    const plain = new TextEncoder().encode('{"account":"person1","password":"Kennwort-1-Sommer"}');
    const sealed = sealToAgent(plain, agent.publicKey);
    expect(Buffer.from(sealed).includes(Buffer.from('Kennwort'))).toBe(false);
    expect(openAsAgent(sealed, agent.secretKey)).toEqual(plain);
    expect(openAsAgent(sealed, other.secretKey)).toBeNull();
    const changed = sealed.slice();
    changed[40]! ^= 1;
    expect(openAsAgent(changed, agent.secretKey)).toBeNull();
    expect(openAsAgent(sealed.subarray(0, 40), agent.secretKey)).toBeNull();
    // A fresh ephemeral key each time: two seals of the same request differ.
    expect(Buffer.from(sealToAgent(plain, agent.publicKey)).equals(Buffer.from(sealed))).toBe(false);
  });
});
