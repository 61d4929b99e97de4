// A relay restored from a backup lost the rosters stored since it: a channel made after the
// backup is unknown to it, so the relay answers `not_member` to every member's publish there
// until a device gives the roster back (client/directory-sync.ts, afterRestore). That answer is
// not final: this device's own signed roster still names its user. Before, the lost own events
// a device sends again after the restore (sync-history.ts) were taken for refused for good and
// dropped (an accepted message then stayed "sending" for ever) whenever the outbox went out
// before the roster was given back. Real relay process, sqlite3 .backup and `restore --from`.
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

describe('own events sent again to a restored relay that lost their channel', () => {
  it('wait for the roster to be given back instead of being dropped as not a member', { timeout: 90_000 }, async () => {
    const org = await TestOrg.create();
    const anna = org.addUser('Anna', 'admin');
    const ben = org.addUser('Ben');
    const annaDevice = org.addDevice(anna);
    const benDevice = org.addDevice(ben);
    relay = await startTestRelay({ org, mode: 'process', envelopeCheck: true });
    let a = await world.workstation(org, relay.url, annaDevice);
    open.push(a);

    await run('sqlite3', [join(relay.dataDir, 'relay.db'), `.backup '${join(relay.dataDir, 'backup.db')}'`]);

    // After the backup: a new conversation and a message in it, accepted by the relay.
    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Nachtdienst', memberUserIds: [ben] });
    const written = await a.client.sendMessage(channelId, 'Zimmer 7 braucht Schmerzmittel');
    await eventually(
      async () => (await a.store.messages.get(channelId, written))?.delivery === 'sent',
      15_000,
      'sent before the restore',
    );
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

    // Anna's workstation notices the new incarnation, sends the lost events again and gives the
    // conversation's roster back. Which goes out first is a race; here the roster waits until the
    // relay has answered a publish with not_member, the order in which the events were dropped.
    a = await world.workstation(org, relay.url, annaDevice, { connect: false });
    open.push(a);
    let answered!: () => void;
    const notMemberAnswered = new Promise<void>((resolve) => (answered = resolve));
    const { transport } = a;
    const putRecord = transport.putRecord.bind(transport);
    const publish = transport.publish.bind(transport);
    transport.putRecord = async (record) => {
      await notMemberAnswered;
      return putRecord(record);
    };
    transport.publish = async (...args) => {
      try {
        return await publish(...args);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'not_member') answered();
        throw error;
      }
    };
    await transport.connect();
    // Every event Anna had sent there (its name and settings, the message) is on the relay again.
    const sentThere = testDatabase(a.store)
      .prepare('SELECT count(*) FROM events WHERE channel_id = ?')
      .pluck()
      .get(channelId) as number;
    expect(sentThere).toBeGreaterThanOrEqual(2);
    const benTransport = deviceTransport(relay.url, benDevice);
    await benTransport.connect();
    try {
      // Refused to Ben too (not_member) until the roster is back.
      const onRelay = () =>
        benTransport.fetchPage(channelId, 0, 100).then(
          (events) => events.length,
          () => 0,
        );
      await eventually(async () => (await onRelay()) === sentThere, 30_000, "Anna's events on the relay again");
    } finally {
      await benTransport.close();
    }
    await eventually(
      async () =>
        (await a.store.messages.get(channelId, written))?.delivery === 'sent' &&
        testDatabase(a.store).prepare('SELECT count(*) FROM outbox').pluck().get() === 0,
      10_000,
      'shown as sent, nothing left to send',
    );
    expect((await a.store.messages.get(channelId, written))?.refusedCode).toBeNull();
  });
});
