// "Delete for everyone" and edits over the real relay with real SQLCipher stores: afterwards the
// decrypted store of every device, the sender's included, is scanned table by table (FTS5 shadow
// tables and the search vocabulary too) for the old text.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, TestOrg, type TestRelay } from '../../harness/relay.ts';
import { ClientWorld, eventually, type Workstation } from './client-world.ts';
import { findInStore } from './store-scan.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

let org: TestOrg;
let relay: TestRelay;
const world = new ClientWorld();
const open: Workstation[] = [];

beforeAll(async () => {
  org = await TestOrg.create();
});
afterEach(async () => {
  for (const ws of open.splice(0)) await ws.shutdown().catch(() => {});
  await relay?.dispose();
});
afterAll(() => world.dispose());

const bodyOf = async (ws: Workstation, channelId: string, messageId: string) =>
  (await ws.store.messages.get(channelId, messageId))?.body;

describe('delete and edit leave no old text on any device', () => {
  it('an edit keeps no earlier text and a delete no text at all, on the sender and the receiver', async () => {
    const anna = org.addUser('Anna');
    const ben = org.addUser('Ben');
    const annaDevice = org.addDevice(anna);
    const benDevice = org.addDevice(ben);
    relay = await startTestRelay({ org, envelopeCheck: true });
    const a = await world.workstation(org, relay.url, annaDevice);
    const b = await world.workstation(org, relay.url, benDevice);
    open.push(a, b);
    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Station 3B', memberUserIds: [ben] });

    const messageId = await a.client.sendMessage(channelId, 'Patient Xylofonquark Zimmer 12');
    await eventually(
      async () => (await bodyOf(b, channelId, messageId)) === 'Patient Xylofonquark Zimmer 12',
      10_000,
      'Ben receives',
    );
    await a.client.send(channelId, {
      type: 'message.edit',
      messageId,
      body: 'Patient Zebrawortlaut Zimmer 16',
      mentions: [],
    });
    await eventually(
      async () => (await bodyOf(b, channelId, messageId)) === 'Patient Zebrawortlaut Zimmer 16',
      10_000,
      'Ben sees the edit',
    );
    await eventually(
      () => (testDatabase(a.store).prepare('SELECT count(*) FROM outbox').pluck().get() as number) === 0,
      10_000,
      'edit sent',
    );
    for (const ws of [a, b])
      expect(
        findInStore(testDatabase(ws.store), 'Xylofonquark'),
        `old text after the edit on ${ws.device.userId}`,
      ).toEqual([]);

    await a.client.send(channelId, { type: 'message.delete', messageId });
    await eventually(
      async () => (await b.store.messages.get(channelId, messageId))?.deletedAt !== null,
      10_000,
      'Ben sees the delete',
    );
    await eventually(
      () => (testDatabase(a.store).prepare('SELECT count(*) FROM outbox').pluck().get() as number) === 0,
      10_000,
      'delete sent',
    );
    expect((await a.store.messages.get(channelId, messageId))?.deletedAt).not.toBeNull();
    for (const ws of [a, b]) {
      expect(
        findInStore(testDatabase(ws.store), 'Zebrawortlaut'),
        `text after the delete on ${ws.device.userId}`,
      ).toEqual([]);
      expect(findInStore(testDatabase(ws.store), 'Xylofonquark')).toEqual([]);
      // The tombstone stays: who deleted what, when.
      expect(await ws.store.messages.get(channelId, messageId)).toMatchObject({ body: '' });
    }
  });

  it('a message written and deleted (or edited) while offline leaves no text on the sender once the relay has them all', async () => {
    const anna = org.addUser('Anna');
    const ben = org.addUser('Ben');
    const annaDevice = org.addDevice(anna);
    const benDevice = org.addDevice(ben);
    relay = await startTestRelay({ org, envelopeCheck: true });
    const a = await world.workstation(org, relay.url, annaDevice);
    const b = await world.workstation(org, relay.url, benDevice);
    open.push(b);
    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Station 3B', memberUserIds: [ben] });
    await eventually(
      () => (testDatabase(a.store).prepare('SELECT count(*) FROM outbox').pluck().get() as number) === 0,
      10_000,
      'channel sent',
    );

    // Offline: the message, its edit and its delete all wait in the outbox.
    await a.transport.close();
    const deleted = await a.client.sendMessage(channelId, 'Patient Quendelmoorbach Zimmer 12');
    await a.client.send(channelId, { type: 'message.delete', messageId: deleted });
    const edited = await a.client.sendMessage(channelId, 'Patient Wurzelfichtenau Zimmer 14');
    await a.client.send(channelId, {
      type: 'message.edit',
      messageId: edited,
      body: 'Patient Zimmer 15',
      mentions: [],
    });
    await a.shutdown();

    const again = await world.workstation(org, relay.url, annaDevice);
    open.push(again);
    await eventually(
      () => (testDatabase(again.store).prepare('SELECT count(*) FROM outbox').pluck().get() as number) === 0,
      10_000,
      'outbox drained',
    );
    await eventually(
      async () => (await b.store.messages.get(channelId, deleted))?.deletedAt != null,
      10_000,
      'Ben sees the delete',
    );
    await eventually(
      async () => (await bodyOf(b, channelId, edited)) === 'Patient Zimmer 15',
      10_000,
      'Ben sees the edit',
    );
    for (const ws of [again, b]) {
      expect(findInStore(testDatabase(ws.store), 'Quendelmoorbach'), `deleted text on ${ws.device.userId}`).toEqual([]);
      expect(findInStore(testDatabase(ws.store), 'Wurzelfichtenau'), `edited text on ${ws.device.userId}`).toEqual([]);
    }
  });
});
