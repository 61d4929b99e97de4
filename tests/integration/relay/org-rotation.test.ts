// Org key rotation over the real relay: the admin device uploads the rotation signed by the old
// key; afterwards the relay and every client refuse what the old key signs and take the new
// key's records; a workstation that was offline during the rotation (it knows only the first key,
// as pinned at setup) catches up by following the chain, also after the relay restarted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RecordBody } from '@klinikfunk/protocol/wire/records.ts';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import type { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import type { TransportError } from '../../../apps/desktop/electron/core/transport/transport.ts';
import {
  deviceTransport,
  startTestRelay,
  TestOrg,
  testId,
  type TestDevice,
  type TestRelay,
} from '../../harness/relay.ts';

async function readAll(transport: RelayTransport, directory: Directory): Promise<void> {
  let after = 0;
  for (;;) {
    const page = await transport.getRecords(after, 500);
    for (const { pos, record } of page.records) {
      after = Math.max(after, pos);
      const verdict = directory.ingest(record);
      if (!verdict.ok) throw new Error(`refused a stored ${String(record.type)}: ${verdict.reason}`);
    }
    if (page.records.length < 500) return;
  }
}

describe('org key rotation through the relay', () => {
  let org: TestOrg;
  let relay: TestRelay;
  let admin: TestDevice;
  let sleeper: TestDevice;
  let next: ReturnType<typeof generateOrgKeys>;

  const user = (name: string): RecordBody<'user'> => ({
    orgId: org.orgId,
    userId: testId('usr'),
    displayName: name,
    role: 'member',
    ward: null,
    active: true,
    issuedAt: Date.now(),
  });

  beforeAll(async () => {
    org = await TestOrg.create();
    next = generateOrgKeys();
    admin = org.addDevice(org.addUser('Admin', 'admin'));
    sleeper = org.addDevice(org.addUser('Nachtdienst'));
    relay = await startTestRelay({ org });
  }, 60_000);

  afterAll(async () => {
    await relay?.dispose();
  });

  it('the relay takes the rotation, then refuses the old key and takes the new one', async () => {
    const online = deviceTransport(relay.url, admin);
    await online.connect();
    try {
      const directory = new Directory({ orgPublicKey: org.org.publicKey });
      await readAll(online, directory);
      const rotation = org.sign('org_rotation', {
        orgId: org.orgId,
        previousOrgPublicKey: org.orgPublicKey,
        newOrgPublicKey: toBase64Url(next.publicKey),
        issuedAt: Date.now(),
      });
      await online.putRecord(rotation as never);
      const byOld = org.sign('user', user('Alt'));
      const refused = await online.putRecord(byOld as never).then(
        () => null,
        (e: unknown) => e as TransportError,
      );
      expect(refused?.code).toBe('record_rejected');
      expect(refused?.message).toContain('bad_signature');
      const byNew = signRecord('user', user('Neu'), { kind: 'org', id: org.orgId }, next.secretKey);
      await online.putRecord(byNew as never);
      // The same client's directory, after reading the log again from the start.
      const again = new Directory({ orgPublicKey: org.org.publicKey });
      await readAll(online, again);
      expect(toBase64Url(again.orgPublicKey)).toBe(toBase64Url(next.publicKey));
      expect(again.users.has(byNew.body.userId)).toBe(true);
      expect(again.ingest(byOld)).toMatchObject({ ok: false, reason: 'bad_signature' });
      expect(directory.ingest(rotation)).toMatchObject({ ok: true });
      expect(directory.ingest(byOld)).toMatchObject({ ok: false, reason: 'bad_signature' });
    } finally {
      await online.close();
    }
  });

  it('a workstation offline during the rotation follows the chain from its pinned key, also after a relay restart', async () => {
    await relay.stop();
    await relay.restart();
    const late = deviceTransport(relay.url, sleeper);
    await late.connect();
    try {
      const directory = new Directory({ orgPublicKey: org.org.publicKey });
      await readAll(late, directory);
      expect(directory.orgId).toBe(org.orgId);
      expect(directory.rotations).toHaveLength(1);
      expect(toBase64Url(directory.orgPublicKey)).toBe(toBase64Url(next.publicKey));
      // The relay replayed the chain at start: the old key is still refused there.
      const byOld = org.sign('user', user('Nach Neustart'));
      const refused = await late.putRecord(byOld as never).then(
        () => null,
        (e: unknown) => e as TransportError,
      );
      expect(refused?.message).toContain('bad_signature');
    } finally {
      await late.close();
    }
  });
});
