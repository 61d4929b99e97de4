// An own event the relay refuses for good must not hold back the channel: the relay's answer is
// final (the sender was removed, or the event names a blob the sender may not use), so the event
// leaves the queue and the channel's next events go out. Before, it was retried forever in front
// of them: the sender's channel froze. Real relay over WebSockets, real SQLCipher stores.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, TestOrg, type TestRelay } from '../../harness/relay.ts';
import { ClientWorld, eventually, type Workstation } from './client-world.ts';
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

const outboxCount = (ws: Workstation) =>
  testDatabase(ws.store).prepare('SELECT count(*) FROM outbox').pluck().get() as number;
const bodies = async (ws: Workstation, channelId: string) =>
  (await ws.store.messages.page(channelId)).map((m) => m.body);

describe('an own event the relay refuses for good', () => {
  it('a file naming a blob the sender may not use is dropped, and the message after it still arrives', async () => {
    const anna = org.addUser('Anna');
    const ben = org.addUser('Ben');
    const cara = org.addUser('Cara');
    const annaDevice = org.addDevice(anna);
    const benDevice = org.addDevice(ben);
    const caraDevice = org.addDevice(cara);
    relay = await startTestRelay({ org, envelopeCheck: true });
    const a = await world.workstation(org, relay.url, annaDevice);
    const b = await world.workstation(org, relay.url, benDevice);
    const c = await world.workstation(org, relay.url, caraDevice);
    open.push(a, b, c);
    // Cara's upload is in none of Ben's channels: naming it would unlock it for Ben's channel.
    const { hash } = await c.transport.putBlob(new Uint8Array(4096).fill(7));
    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Station 3B', memberUserIds: [ben] });
    await eventually(
      async () => (await b.store.channels.listFor(ben)).some((ch) => ch.channelId === channelId),
      10_000,
      'Ben has the channel',
    );

    const share = await b.client.send(channelId, {
      type: 'file.share',
      name: 'Befund.pdf',
      mimeType: 'application/pdf',
      size: 4096,
      blobId: hash,
      keyB64: 'k'.repeat(43),
      hashB64: 'h'.repeat(43),
      thumbnailBlobId: null,
      caption: '',
    });
    await b.client.sendMessage(channelId, 'Befund kommt per Post');

    await eventually(
      async () => (await bodies(a, channelId)).includes('Befund kommt per Post'),
      15_000,
      'Anna gets the message after the refused file',
    );
    await eventually(() => outboxCount(b) === 0, 10_000, "Ben's outbox empty");
    expect(testDatabase(b.store).prepare('SELECT count(*) FROM files WHERE file_id = ?').pluck().get(share)).toBe(0);
    expect(testDatabase(a.store).prepare('SELECT count(*) FROM files').pluck().get()).toBe(0);
    const sent = (await b.store.messages.page(channelId)).find((m) => m.body === 'Befund kommt per Post');
    expect(sent?.delivery).toBe('sent');
  });

  it('a message written by a member removed meanwhile is marked with the reason, not retried for ever, and can be sent again once re-added', async () => {
    const anna = org.addUser('Anna');
    const ben = org.addUser('Ben');
    const annaDevice = org.addDevice(anna);
    const benDevice = org.addDevice(ben);
    relay = await startTestRelay({ org, envelopeCheck: true });
    const a = await world.workstation(org, relay.url, annaDevice);
    let b = await world.workstation(org, relay.url, benDevice);
    open.push(a);
    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Nachtdienst', memberUserIds: [ben] });
    await eventually(
      async () => (await b.store.channels.listFor(ben)).some((ch) => ch.channelId === channelId),
      10_000,
      'Ben has the channel',
    );

    // Ben writes offline; meanwhile Anna removes him.
    await b.transport.close();
    const written = await b.client.sendMessage(channelId, 'Zimmer 7 braucht Schmerzmittel');
    await b.shutdown();
    await a.client.setMembers(channelId, [{ userId: anna, role: 'admin' }]);
    await eventually(
      () => testDatabase(a.store).prepare('SELECT count(*) FROM outbox').pluck().get() === 0,
      10_000,
      "Anna's roster sent",
    );

    b = await world.workstation(org, relay.url, benDevice);
    open.push(b);
    await eventually(
      async () => (await b.store.messages.get(channelId, written))?.refusedCode === 'not_member',
      15_000,
      "Ben's message refused as not a member",
    );
    expect(outboxCount(b)).toBe(0);
    expect(await b.store.messages.get(channelId, written)).toMatchObject({
      delivery: 'failed',
      body: 'Zimmer 7 braucht Schmerzmittel',
    });
    expect(await bodies(a, channelId)).not.toContain('Zimmer 7 braucht Schmerzmittel');

    // Added back, Ben sends it again: it arrives once, with its time of writing.
    await a.client.setMembers(channelId, [
      { userId: anna, role: 'admin' },
      { userId: ben, role: 'member' },
    ]);
    await eventually(
      async () =>
        (testDatabase(b.store)
          .prepare('SELECT count(*) FROM channel_members WHERE channel_id = ? AND user_id = ?')
          .pluck()
          .get(channelId, ben) as number) === 1,
      15_000,
      'Ben sees himself added back',
    );
    const { requeueRefusedMessage } =
      await import('../../../apps/desktop/electron/core/features/messages/own-repository.ts');
    expect(requeueRefusedMessage(testDatabase(b.store), channelId, written)).toBe(true);
    await b.client.engine.notifyQueued();
    await eventually(
      async () => (await bodies(a, channelId)).filter((x) => x === 'Zimmer 7 braucht Schmerzmittel').length === 1,
      15_000,
      'Anna gets the message sent again',
    );
    await eventually(
      async () => (await b.store.messages.get(channelId, written))?.delivery === 'sent',
      10_000,
      'sent at Ben',
    );
  });
});
