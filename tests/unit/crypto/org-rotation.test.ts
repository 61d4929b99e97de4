// Org key rotation in the crypto Directory: the new key is announced by the current one, the org
// id (and the pinned fingerprint) stays, only the newest key signs as the organisation, and a
// directory that was offline follows the chain from the first key when it reads the log.
import { beforeEach, describe, expect, it } from 'vitest';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RecordBody, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { newId, World } from './world.ts';

let world: World;
beforeEach(async () => {
  world = await World.create();
});

const user = (name: string, issuedAt = world.now): RecordBody<'user'> => ({
  orgId: world.orgId,
  userId: newId('usr'),
  displayName: name,
  role: 'member',
  ward: null,
  active: true,
  issuedAt,
});

function rotation(from: Uint8Array, to: Uint8Array, signWith: Uint8Array): SignedRecord<'org_rotation'> {
  return signRecord(
    'org_rotation',
    {
      orgId: world.orgId,
      previousOrgPublicKey: toBase64Url(from),
      newOrgPublicKey: toBase64Url(to),
      issuedAt: world.now,
    },
    { kind: 'org', id: world.orgId },
    signWith,
  );
}

describe('org key rotation', () => {
  it('after a rotation the old key is refused and the new one signs; the org id stays', () => {
    world.addUser('Admin', 'admin');
    const online = world.newDirectory();
    const next = generateOrgKeys();
    const rotate = rotation(world.org.publicKey, next.publicKey, world.org.secretKey);
    expect(online.ingest(rotate)).toMatchObject({ ok: true });
    expect(toBase64Url(online.orgPublicKey)).toBe(toBase64Url(next.publicKey));
    expect(online.orgId).toBe(world.orgId);
    const byOld = signRecord('user', user('Alt'), { kind: 'org', id: world.orgId }, world.org.secretKey);
    expect(online.ingest(byOld)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const byNew = signRecord('user', user('Neu'), { kind: 'org', id: world.orgId }, next.secretKey);
    expect(online.ingest(byNew)).toMatchObject({ ok: true });
  });

  it('a directory offline during two rotations catches up by following the chain in the log', () => {
    const before = world.orgSign('user', user('Vorher'));
    const second = generateOrgKeys();
    const third = generateOrgKeys();
    const log: SignedRecord[] = [
      before,
      rotation(world.org.publicKey, second.publicKey, world.org.secretKey),
      signRecord('user', user('Zwischen'), { kind: 'org', id: world.orgId }, second.secretKey),
      rotation(second.publicKey, third.publicKey, second.secretKey),
      signRecord('user', user('Nachher'), { kind: 'org', id: world.orgId }, third.secretKey),
    ];
    // Starts from the pinned first key only, as a workstation that slept through both.
    const offline = world.newDirectory();
    for (const record of log) expect(offline.ingest(record)).toMatchObject({ ok: true });
    expect(offline.orgKeys.map(toBase64Url)).toEqual(
      [world.org.publicKey, second.publicKey, third.publicKey].map(toBase64Url),
    );
    expect(offline.users.size).toBe(3);
    // The middle key is retired as well.
    const byMiddle = signRecord('user', user('Spät'), { kind: 'org', id: world.orgId }, second.secretKey);
    expect(offline.ingest(byMiddle)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a rotation not signed by the current key, not starting from it, or back to an old key', () => {
    const next = generateOrgKeys();
    const rogue = generateOrgKeys();
    const dir = world.newDirectory();
    expect(dir.ingest(rotation(world.org.publicKey, rogue.publicKey, rogue.secretKey))).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(dir.ingest(rotation(rogue.publicKey, next.publicKey, world.org.secretKey))).toMatchObject({
      ok: false,
      reason: 'chain_broken',
    });
    expect(dir.ingest(rotation(world.org.publicKey, next.publicKey, world.org.secretKey))).toMatchObject({ ok: true });
    // The retired key cannot rotate again (a thief of an old backup), and the new one cannot go back.
    expect(dir.ingest(rotation(next.publicKey, rogue.publicKey, world.org.secretKey))).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(dir.ingest(rotation(next.publicKey, world.org.publicKey, next.secretKey))).toMatchObject({
      ok: false,
      reason: 'not_permitted',
    });
    expect(dir.orgKeys).toHaveLength(2);
  });
});
