// First-run bootstrap: a relay without an organisation key binds itself to the organisation of
// the first admin device that presents the one-time code from its data directory, and to no
// other afterwards.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootstrapRelay } from '../../../apps/desktop/electron/core/transport/bootstrap.ts';
import { orgFingerprint } from '@klinikfunk/protocol/wire/org-fingerprint.ts';
import { deviceTransport, startTestRelay, TestOrg, testId } from '../../harness/relay.ts';
import { until } from '../transport/contract.ts';

describe('relay first-run bootstrap', () => {
  it(
    'binds to the first admin device’s organisation with the one-time code, then serves it',
    { timeout: 60_000 },
    async () => {
      const org = await TestOrg.create();
      const root = org.sign('org_root', {
        orgId: org.orgId,
        name: 'Klinikum Nord',
        orgPublicKey: org.orgPublicKey,
        createdAt: Date.now(),
      });
      const admin = org.addUser('Admin');
      const adminDevice = org.addDevice(admin);
      const channelId = testId('chan');
      org.setRoster(channelId, [admin]);
      const relay = await startTestRelay({ org, mode: 'process', bootstrap: true });
      try {
        const health = await fetch(`http://127.0.0.1:${relay.port}/healthz`);
        expect(health.status).toBe(503);
        expect(await health.json()).toEqual({ status: 'bootstrap' });
        const codeFile = join(relay.dataDir, 'bootstrap-code');
        const code = (await readFile(codeFile, 'utf8')).trim();
        const records = [root, ...org.records] as unknown as Array<Record<string, unknown>>;

        await expect(bootstrapRelay(relay.url, 'A'.repeat(22), records)).rejects.toMatchObject({ code: 'auth_failed' });
        await expect(bootstrapRelay(relay.url, code, records.slice(1))).rejects.toMatchObject({
          code: 'record_rejected',
        });
        await bootstrapRelay(relay.url, code, records);
        // The code is single-use: the relay deletes it once bound.
        await until(() => !existsSync(codeFile));
        // The first-run output names the fingerprint IT pins on the workstations, and so does every start.
        const pinned = `"orgFingerprint":"${orgFingerprint(org.orgId)}"`;
        await until(
          () =>
            relay.output().includes(`"msg":"bootstrap: bound to organisation"`) &&
            relay.output().split(pinned).length === 3,
          15_000,
        );

        const t = deviceTransport(relay.url, adminDevice);
        await t.connect();
        expect((await t.publish(channelId, testId('evt'), new Uint8Array([1]))).seq).toBe(1);
        await t.close();
        // Now a normal relay: another bootstrap is just a bad frame.
        await expect(bootstrapRelay(relay.url, code, records)).rejects.toMatchObject({ code: 'bad_frame' });

        // After a restart the binding holds (no key configured, none needed).
        await relay.stop();
        await relay.restart();
        const again = deviceTransport(relay.url, adminDevice);
        await again.connect();
        await again.close();
      } finally {
        await relay.dispose();
      }
    },
  );

  it(
    'refuses to start with a configured key of another organisation on a bound database',
    { timeout: 30_000 },
    async () => {
      const org = await TestOrg.create();
      org.addDevice(org.addUser());
      const relay = await startTestRelay({ org, mode: 'process' });
      await relay.stop();
      const other = await TestOrg.create();
      await expect(startTestRelay({ org: other, mode: 'process', dataDir: relay.dataDir })).rejects.toThrow(/bound/);
      await relay.dispose();
    },
  );
});
