// A member device spamming the directory with self-signed rosters (issue 14, item 9), on SQLite
// and PostgreSQL: records a device signs itself are rate-limited per device, and a device may
// create only so many channels a day; org-signed records (admins) are not held back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHash, signRecord } from '@klinikfunk/crypto/records.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';
import { startTestRelay, TestOrg, testId, type TestDevice } from '../../harness/relay.ts';
import { RawClient } from './raw-client.ts';

/** A roster the device signs itself: a new channel (no previous) or the next epoch of `previous`. */
function deviceRoster(
  org: TestOrg,
  device: TestDevice,
  channelId: string,
  members: string[],
  previous?: SignedRecord<'roster'>,
): SignedRecord<'roster'> {
  return signRecord(
    'roster',
    {
      orgId: org.orgId,
      channelId,
      epoch: previous ? previous.body.epoch + 1 : 1,
      prevHash: previous ? recordHash(previous) : null,
      kind: 'conversation',
      members: members.map((userId, i) => ({ userId, role: i === 0 ? ('admin' as const) : ('member' as const) })),
      historyForNewMembers: false,
      issuedAt: Date.now(),
    },
    { kind: 'device', id: device.deviceId },
    device.keys.signing.secretKey,
  );
}

function directorySuite(name: string, databaseUrl: () => Promise<string | undefined>) {
  describe(`directory against a spamming member (${name})`, () => {
    it('caps the channels a device creates per day with a clear error; updates and retries still pass', async () => {
      const org = await TestOrg.create();
      const [um, ub] = [org.addUser('Mallory'), org.addUser('Ben')];
      const m = org.addDevice(um);
      const url = await databaseUrl();
      const relay = await startTestRelay({
        org,
        ...(url ? { databaseUrl: url } : {}),
        limits: { channelsPerDevicePerDay: 3 },
      });
      const raw = await RawClient.open(relay.url);
      try {
        await raw.authenticate(m);
        const created: SignedRecord<'roster'>[] = [];
        for (let i = 0; i < 3; i++) {
          const record = deviceRoster(org, m, testId('chan'), [um, ub]);
          expect(await raw.request({ t: 'dir_put', record })).toMatchObject({ t: 'ok' });
          created.push(record);
        }
        const fourth = await raw.request({ t: 'dir_put', record: deviceRoster(org, m, testId('chan'), [um, ub]) });
        expect(fourth).toMatchObject({ t: 'error', code: 'quota_exceeded' });
        expect(String(fourth.message)).toContain('channels in the last 24 hours');
        // A retry of a creation, and a change to an existing channel, are no new channels.
        expect(await raw.request({ t: 'dir_put', record: created[0] })).toMatchObject({ t: 'ok' });
        expect(
          await raw.request({
            t: 'dir_put',
            record: deviceRoster(org, m, created[1]!.body.channelId, [um], created[1]),
          }),
        ).toMatchObject({ t: 'ok' });
        // The count survives a restart of the relay (it is in the store, shared by relay processes).
        raw.close();
        await relay.stop();
        await relay.restart();
        const again = await RawClient.open(relay.url);
        await again.authenticate(m);
        expect(
          await again.request({ t: 'dir_put', record: deviceRoster(org, m, testId('chan'), [um, ub]) }),
        ).toMatchObject({
          code: 'quota_exceeded',
        });
        // An admin's org-signed roster is not counted against anyone.
        expect(await again.request({ t: 'dir_put', record: org.setRoster(testId('chan'), [um, ub]) })).toMatchObject({
          t: 'ok',
        });
        again.close();
      } finally {
        raw.close();
        await relay.dispose();
      }
    });

    it('a roster given back by another device (after a restore) counts against the device that signed it, not the one that uploads it', async () => {
      const org = await TestOrg.create();
      const [ua, ub] = [org.addUser('Anna'), org.addUser('Ben')];
      const [a, b] = [org.addDevice(ua), org.addDevice(ub)];
      const url = await databaseUrl();
      const relay = await startTestRelay({
        org,
        ...(url ? { databaseUrl: url } : {}),
        limits: { channelsPerDevicePerDay: 2 },
      });
      const raw = await RawClient.open(relay.url);
      try {
        await raw.authenticate(b);
        // Ben's workstation gives back two conversations Anna's device made (DirectorySync.afterRestore).
        for (let i = 0; i < 2; i++)
          expect(
            await raw.request({ t: 'dir_put', record: deviceRoster(org, a, testId('chan'), [ua, ub]) }),
          ).toMatchObject({ t: 'ok' });
        // Ben can still make his own.
        expect(
          await raw.request({ t: 'dir_put', record: deviceRoster(org, b, testId('chan'), [ub, ua]) }),
        ).toMatchObject({ t: 'ok' });
        // And uploading through another device is no way round the signer's cap.
        const third = await raw.request({ t: 'dir_put', record: deviceRoster(org, a, testId('chan'), [ua, ub]) });
        expect(third).toMatchObject({ t: 'error', code: 'quota_exceeded' });
      } finally {
        raw.close();
        await relay.dispose();
      }
    });

    it('rate-limits the records a device signs itself, not org-signed ones', async () => {
      const org = await TestOrg.create();
      const [um, ub] = [org.addUser('Mallory'), org.addUser('Ben')];
      const m = org.addDevice(um);
      const url = await databaseUrl();
      const relay = await startTestRelay({
        org,
        ...(url ? { databaseUrl: url } : {}),
        limits: { recordsPerMinute: 1, recordBurst: 5 },
      });
      const raw = await RawClient.open(relay.url);
      try {
        await raw.authenticate(m);
        const channelId = testId('chan');
        let previous = deviceRoster(org, m, channelId, [um, ub]);
        expect(await raw.request({ t: 'dir_put', record: previous })).toMatchObject({ t: 'ok' });
        const answers: string[] = [];
        for (let i = 0; i < 10; i++) {
          const next = deviceRoster(org, m, channelId, i % 2 === 0 ? [um] : [um, ub], previous);
          const answer = await raw.request({ t: 'dir_put', record: next });
          answers.push(answer.t === 'ok' ? 'ok' : String(answer.code));
          if (answer.t === 'ok') previous = next;
        }
        expect(answers).toEqual([...Array<string>(4).fill('ok'), ...Array<string>(6).fill('rate_limited')]);
        // Admin records (org-signed) pass: only an admin holds the org key.
        for (let i = 0; i < 8; i++)
          expect(await raw.request({ t: 'dir_put', record: org.setRoster(testId('chan'), [um]) })).toMatchObject({
            t: 'ok',
          });
        // Reconnecting does not refill the bucket.
        raw.close();
        const again = await RawClient.open(relay.url);
        await again.authenticate(m);
        expect(
          await again.request({ t: 'dir_put', record: deviceRoster(org, m, channelId, [um, ub], previous) }),
        ).toMatchObject({ code: 'rate_limited' });
        again.close();
      } finally {
        raw.close();
        await relay.dispose();
      }
    });
  });
}

directorySuite('SQLite', async () => undefined);

describe.skipIf(!postgresAvailable())('on PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  directorySuite('PostgreSQL', () => cluster.createDatabase());
});
