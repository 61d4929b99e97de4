// Two relay processes on one database (docs/operations.md, PostgreSQL) admit records at the same
// time: each verifies against what it has read, then stores under the database's directory lock,
// which numbers the records. When another process stored a record after this one's last read and
// before its own (a device revocation, a delegation's revocation), this process must still apply
// it, and apply its own record after it, as every client reading the directory in order does.
// The interleaving is made deterministic with the real SQLite store shared by two DirectoryTrust
// instances: process A's dirPut first lets process B store a revocation.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { openSqliteStore } from '../../../apps/relay/store/sqlite.ts';
import type { RelayStore } from '../../../apps/relay/store/store.ts';
import { DirectoryTrust } from '../../../apps/relay/trust.ts';
import { seedRecords, TestOrg, testId } from '../../harness/relay.ts';

describe('relay processes admitting at the same time', () => {
  let dir = '';
  let store: RelayStore | null = null;
  afterEach(async () => {
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("applies another process's revocation stored between its read and its own record", async () => {
    await readySodium();
    const org = await TestOrg.create();
    org.addDevice(org.addUser('Admin', 'admin'));
    const nurse = org.addDevice(org.addUser('Pflege'));
    dir = await mkdtemp(join(tmpdir(), 'kf-trust-race-'));
    const shared = openSqliteStore(join(dir, 'relay.db'));
    store = shared;
    await seedRecords(shared, org);

    const processB = new DirectoryTrust(shared, org.org.publicKey);
    await processB.load();
    const revocation = org.sign('revocation', {
      orgId: org.orgId,
      target: { kind: 'device', deviceId: nurse.deviceId },
      reason: 'verloren',
      revokedAt: Date.now(),
    });
    let interleaved = false;
    const storeOfA: RelayStore = Object.create(shared) as RelayStore;
    storeOfA.dirPut = async (...args) => {
      if (!interleaved) {
        interleaved = true;
        expect(await processB.admit(revocation)).toMatchObject({ ok: true });
      }
      return shared.dirPut(...args);
    };
    const processA = new DirectoryTrust(storeOfA, org.org.publicKey);
    await processA.load();
    expect(processA.isActive(nurse.deviceId)).toBe(true);

    const newcomer = org.sign('user', {
      orgId: org.orgId,
      userId: testId('usr'),
      displayName: 'Neu',
      role: 'member',
      ward: null,
      active: true,
      issuedAt: Date.now(),
    });
    expect(await processA.admit(newcomer)).toMatchObject({ ok: true });
    expect(interleaved).toBe(true);
    expect(processB.isActive(nurse.deviceId)).toBe(false);
    // A must not keep a revoked device signed in, now or after reading on.
    expect(processA.isActive(nurse.deviceId)).toBe(false);
    await processA.refresh();
    expect(processA.isActive(nurse.deviceId)).toBe(false);
  });
});
