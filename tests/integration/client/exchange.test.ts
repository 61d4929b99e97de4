import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, TestOrg, type TestRelay } from '../../harness/relay.ts';
import { ClientWorld, eventually, type Workstation } from './client-world.ts';

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

async function bodies(ws: Workstation, channelId: string): Promise<string[]> {
  return (await ws.store.messages.page(channelId)).map((m) => m.body).reverse();
}

describe('two workstations over the real relay', () => {
  it('exchange messages both ways, end-to-end encrypted, with names and order', async () => {
    const anna = org.addUser('Anna Berger');
    const ben = org.addUser('Ben Öztürk');
    const annaDevice = org.addDevice(anna);
    const benDevice = org.addDevice(ben);
    relay = await startTestRelay({ org, envelopeCheck: true });
    const a = await world.workstation(org, relay.url, annaDevice);
    const b = await world.workstation(org, relay.url, benDevice);
    open.push(a, b);

    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Station 3B', memberUserIds: [ben] });
    await a.client.sendMessage(channelId, 'Übergabe: Zimmer 12 isoliert');
    await eventually(
      async () => (await bodies(b, channelId)).includes('Übergabe: Zimmer 12 isoliert'),
      10_000,
      'Ben receives',
    );
    await b.client.sendMessage(channelId, 'Verstanden, übernehme.');
    await eventually(
      async () => (await bodies(a, channelId)).includes('Verstanden, übernehme.'),
      10_000,
      'Anna receives',
    );

    expect(await bodies(a, channelId)).toEqual(['Übergabe: Zimmer 12 isoliert', 'Verstanden, übernehme.']);
    expect(await bodies(b, channelId)).toEqual(['Übergabe: Zimmer 12 isoliert', 'Verstanden, übernehme.']);
    const [first] = (await b.store.messages.page(channelId)).reverse();
    expect(first).toMatchObject({ senderName: 'Anna Berger', delivery: 'sent' });
    // The channel name arrived encrypted and is known to both.
    expect((await b.store.channels.listFor(ben)).map((c) => c.name)).toEqual(['Station 3B']);
    // The relay holds ciphertext only.
    const stored = Buffer.concat((await relay.store!.page(channelId, 0, 100)).map((e) => Buffer.from(e.envelope)));
    expect(stored.length).toBeGreaterThan(500);
    expect(stored.includes(Buffer.from('Zimmer 12'))).toBe(false);
    expect(stored.includes(Buffer.from('Station 3B'))).toBe(false);
  });

  it('a message written offline is queued, survives a restart, and is delivered once online', async () => {
    const anna = org.addUser('Anna');
    const ben = org.addUser('Ben');
    const annaDevice = org.addDevice(anna);
    const benDevice = org.addDevice(ben);
    relay = await startTestRelay({ org, envelopeCheck: true });
    const a = await world.workstation(org, relay.url, annaDevice);
    const b = await world.workstation(org, relay.url, benDevice);
    open.push(b);
    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Nachtdienst', memberUserIds: [ben] });
    await a.client.sendMessage(channelId, 'erste');
    await eventually(async () => (await bodies(b, channelId)).includes('erste'), 10_000, 'first');

    // Anna's PC loses the network, she writes anyway, then the app is closed.
    await a.transport.close();
    await a.client.sendMessage(channelId, 'offline geschrieben');
    expect((await a.store.messages.page(channelId))[0]).toMatchObject({
      body: 'offline geschrieben',
      delivery: 'sending',
    });
    await a.shutdown();

    // Next start: the outbox is still there and goes out.
    const again = await world.workstation(org, relay.url, annaDevice);
    open.push(again);
    await eventually(
      async () => (await bodies(b, channelId)).includes('offline geschrieben'),
      10_000,
      'queued message delivered',
    );
    await eventually(
      async () => (await again.store.messages.page(channelId))[0]?.delivery === 'sent',
      10_000,
      'marked sent',
    );
    expect(await bodies(b, channelId)).toEqual(['erste', 'offline geschrieben']);
  });
});
