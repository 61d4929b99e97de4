// A relay restored from a backup lost the directory records stored since the backup (a user
// created, a device enrolled), and its record positions start again below those the devices
// have read up to. Before: a device enrolled since the backup could not sign in again, and a
// record stored after the restore sat below a device's position and was never read by it. Now
// every device that notices the new incarnation reads the whole directory again and gives back
// what the relay lacks. Real relay process, the documented sqlite3 .backup and `restore --from`.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { deviceTransport, startTestRelay, TestOrg, type TestRelay } from '../../harness/relay.ts';
import { ClientWorld, eventually, type Workstation } from './client-world.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

let relay: TestRelay;
const world = new ClientWorld();
const open: Workstation[] = [];

afterEach(async () => {
  for (const ws of open.splice(0)) await ws.shutdown().catch(() => {});
  await relay?.dispose();
  world.dispose();
});

describe('the directory after a relay restore', () => {
  it(
    'devices give back the records the backup lacked, and read records stored after the restore',
    { timeout: 90_000 },
    async () => {
      const org = await TestOrg.create();
      const anna = org.addUser('Anna', 'admin');
      const ben = org.addUser('Ben');
      const annaDevice = org.addDevice(anna);
      const annaSecondDevice = org.addDevice(anna);
      const benDevice = org.addDevice(ben);
      relay = await startTestRelay({ org, mode: 'process', envelopeCheck: true });
      const a = await world.workstation(org, relay.url, annaDevice);
      let b = await world.workstation(org, relay.url, benDevice);
      open.push(a);

      await run('sqlite3', [join(relay.dataDir, 'relay.db'), `.backup '${join(relay.dataDir, 'backup.db')}'`]);

      // After the backup: Dora joins, with a device. The relay's import file never held them.
      const imported = org.records.length;
      const dora = org.addUser('Dora');
      const doraDevice = org.addDevice(dora);
      const sinceBackup = org.records.splice(imported);
      for (const record of sinceBackup) await a.transport.putRecord(record as unknown as Record<string, unknown>);
      await eventually(() => b.client.directory.devices.has(doraDevice.deviceId), 10_000, "Ben knows Dora's device");
      await b.shutdown();
      await a.shutdown();
      open.splice(0);

      await relay.stop();
      await run(process.execPath, [
        join(repoRoot, 'apps', 'relay', 'main.ts'),
        'restore',
        '--from',
        join(relay.dataDir, 'backup.db'),
        '--data-dir',
        relay.dataDir,
        '--port',
        String(relay.port),
      ]);
      await relay.restart();

      // Emil is created right after the restore, before any workstation is back: his record takes
      // the first position after the backup's, below the one Ben had read up to.
      const emil = org.addUser('Emil');
      const emilRecord = org.records.splice(imported).at(-1)!;
      const annaTablet = deviceTransport(relay.url, annaSecondDevice);
      await annaTablet.connect();
      await annaTablet.putRecord(emilRecord as unknown as Record<string, unknown>);
      await annaTablet.close();

      // Anna's workstation notices the new incarnation and gives Dora's records back.
      const again = await world.workstation(org, relay.url, annaDevice);
      open.push(again);
      await eventually(
        async () => {
          const page = await again.transport.getRecords(0, 500);
          return page.records.some(
            (r) => (r.record as { body?: { deviceId?: string } }).body?.deviceId === doraDevice.deviceId,
          );
        },
        20_000,
        "the relay has Dora's device again",
      );
      // So Dora's device, enrolled after the backup, can sign in again.
      const doraTransport = deviceTransport(relay.url, doraDevice);
      await doraTransport.connect();
      expect(doraTransport.state()).toBe('online');
      await doraTransport.close();

      // Ben reads the whole directory again: Emil, stored below Ben's old position, is known to him.
      b = await world.workstation(org, relay.url, benDevice);
      open.push(b);
      await eventually(() => b.client.directory.users.has(emil), 20_000, 'Ben knows Emil');
      expect(b.client.directory.users.has(dora)).toBe(true);
    },
  );

  it('reading the directory again from the start keeps each record once', { timeout: 60_000 }, async () => {
    const org = await TestOrg.create();
    const anna = org.addUser('Anna', 'admin');
    const ben = org.addUser('Ben');
    org.addUser('Cara');
    const annaDevice = org.addDevice(anna);
    org.addDevice(ben);
    relay = await startTestRelay({ org, envelopeCheck: true });
    let a = await world.workstation(org, relay.url, annaDevice);
    const rows = () => testDatabase(a.store).prepare('SELECT count(*) FROM directory_records').pluck().get() as number;
    const distinct = () =>
      testDatabase(a.store)
        .prepare("SELECT count(DISTINCT json_extract(record, '$.sig')) FROM directory_records")
        .pluck()
        .get() as number;
    const before = rows();
    expect(before).toBe(distinct());
    await a.shutdown();

    // The device meets the relay as another incarnation, as after a restore: every record the
    // relay lists comes again.
    a = await world.workstation(org, relay.url, annaDevice, { connect: false });
    open.push(a);
    testDatabase(a.store)
      .prepare(`UPDATE settings SET value = '"an-older-incarnation"' WHERE key = 'sync.incarnation'`)
      .run();
    await a.transport.connect();
    await eventually(
      () =>
        testDatabase(a.store)
          .prepare(`SELECT value FROM settings WHERE key = 'directory.restorePending'`)
          .pluck()
          .get() === 'false',
      15_000,
      'directory read again',
    );
    expect(rows()).toBe(before);
    expect(distinct()).toBe(before);
  });
});
