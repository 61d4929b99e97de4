// Issue 14, item 4: a key share that failed to send (mailbox full, socket dropped) is sent again,
// so no member is left unable to read a sender's messages until the chain rotates. Real relay,
// real stores; the relay's mailbox limit (`maxMailboxItems`) makes the mailbox full.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deviceTransport, startTestRelay, TestOrg, type TestDevice, type TestRelay } from '../../harness/relay.ts';
import { ClientWorld, eventually, type Workstation } from './client-world.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

let org: TestOrg;
let relay: TestRelay;
const world = new ClientWorld();
const open: Workstation[] = [];
const MAILBOX_LIMIT = 3;

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

const outboxEmpty = (ws: Workstation) =>
  testDatabase(ws.store).prepare('SELECT count(*) FROM outbox').pluck().get() === 0;

/** Ben is away and his mailbox is full (of Anna's junk, up to the relay's limit). */
async function fillMailbox(a: Workstation, to: TestDevice): Promise<void> {
  for (let i = 0; i < MAILBOX_LIMIT; i++)
    await a.transport.sendMail(to.deviceId, randomUUID(), new Uint8Array(randomBytes(64)));
  await expect(a.transport.sendMail(to.deviceId, randomUUID(), new Uint8Array(8))).rejects.toMatchObject({
    code: 'quota_exceeded',
  });
}

/** Frees Ben's mailbox of the junk only (his own transport, without a client that would read shares). */
async function drainJunk(to: TestDevice, from: TestDevice): Promise<void> {
  const transport = deviceTransport(relay.url, to);
  await transport.connect();
  const junk = (await transport.fetchMail(100)).filter(
    (m) => m.fromDeviceId === from.deviceId && m.payload.length === 64,
  );
  expect(junk).toHaveLength(MAILBOX_LIMIT);
  await transport.ackMail(junk.map((m) => m.messageId));
  await transport.close();
}

async function waitingMail(device: TestDevice): Promise<number> {
  return (await relay.store!.mailFetch(device.deviceId, 100)).length;
}

describe('key shares that failed to send', () => {
  it('mailbox full: the message still goes out, and the share follows with the next send', async () => {
    const anna = org.addUser('Anna');
    const ben = org.addUser('Ben');
    const annaDevice = org.addDevice(anna);
    const benDevice = org.addDevice(ben);
    relay = await startTestRelay({ org, envelopeCheck: true, limits: { maxMailboxItems: MAILBOX_LIMIT } });
    const a = await world.workstation(org, relay.url, annaDevice);
    open.push(a);
    await fillMailbox(a, benDevice);

    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Station 3B', memberUserIds: [ben] });
    await a.client.sendMessage(channelId, 'erste');
    // One full mailbox does not hold up the channel: both events are published.
    await eventually(() => outboxEmpty(a), 10_000, 'published despite the full mailbox');
    expect(await waitingMail(benDevice)).toBe(MAILBOX_LIMIT);

    await drainJunk(benDevice, annaDevice);
    await a.client.sendMessage(channelId, 'zweite');
    // The owed share went out with the next send (Ben is still away: nobody asked for it).
    await eventually(async () => (await waitingMail(benDevice)) === 1, 10_000, 'share mailed with the next send');

    const b = await world.workstation(org, relay.url, benDevice);
    open.push(b);
    await eventually(async () => (await bodies(b, channelId)).length === 2, 10_000, 'Ben reads both');
    expect(await bodies(b, channelId)).toEqual(['erste', 'zweite']);
    expect((await b.store.channels.listFor(ben)).map((c) => c.name)).toEqual(['Station 3B']);
  });

  it('mailbox full and the sender sends nothing more: the receiver asks for the key and reads the message', async () => {
    const anna = org.addUser('Anna');
    const ben = org.addUser('Ben');
    const annaDevice = org.addDevice(anna);
    const benDevice = org.addDevice(ben);
    relay = await startTestRelay({ org, envelopeCheck: true, limits: { maxMailboxItems: MAILBOX_LIMIT } });
    const a = await world.workstation(org, relay.url, annaDevice);
    open.push(a);
    await fillMailbox(a, benDevice);
    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Nachtdienst', memberUserIds: [ben] });
    await a.client.sendMessage(channelId, 'Zimmer 12 isoliert');
    await eventually(() => outboxEmpty(a), 10_000, 'published');
    await drainJunk(benDevice, annaDevice);
    expect(await waitingMail(benDevice)).toBe(0);

    const b = await world.workstation(org, relay.url, benDevice);
    open.push(b);
    await eventually(
      async () => (await bodies(b, channelId)).includes('Zimmer 12 isoliert'),
      10_000,
      'Ben asked and reads',
    );
  });

  it('mailbox full, then a member is added (new epoch): the earlier messages still reach the member whose share failed', async () => {
    const anna = org.addUser('Anna');
    const ben = org.addUser('Ben');
    const cara = org.addUser('Cara');
    const annaDevice = org.addDevice(anna);
    const benDevice = org.addDevice(ben);
    org.addDevice(cara);
    relay = await startTestRelay({ org, envelopeCheck: true, limits: { maxMailboxItems: MAILBOX_LIMIT } });
    const a = await world.workstation(org, relay.url, annaDevice);
    open.push(a);
    await fillMailbox(a, benDevice);
    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Station 3B', memberUserIds: [ben] });
    await a.client.sendMessage(channelId, 'vor Cara');
    await eventually(() => outboxEmpty(a), 10_000, 'published');
    // Cara joins: a new epoch and a new chain; the old chain's share is still owed to Ben.
    await a.client.setMembers(channelId, [
      { userId: anna, role: 'admin' },
      { userId: ben, role: 'member' },
      { userId: cara, role: 'member' },
    ]);
    await drainJunk(benDevice, annaDevice);
    await a.client.sendMessage(channelId, 'mit Cara');
    await eventually(() => outboxEmpty(a), 10_000, 'published in the new epoch');

    const b = await world.workstation(org, relay.url, benDevice);
    open.push(b);
    await eventually(async () => (await bodies(b, channelId)).length >= 2, 10_000, 'Ben reads both epochs');
    expect(await bodies(b, channelId)).toEqual(expect.arrayContaining(['vor Cara', 'mit Cara']));
  });

  it('socket dropped while the share is being mailed: the share goes out after the reconnect', async () => {
    const anna = org.addUser('Anna');
    const ben = org.addUser('Ben');
    const annaDevice = org.addDevice(anna);
    const benDevice = org.addDevice(ben);
    relay = await startTestRelay({ org, envelopeCheck: true });
    const a = await world.workstation(org, relay.url, annaDevice);
    const b = await world.workstation(org, relay.url, benDevice);
    open.push(a, b);
    // Ben must not rescue himself here: he is away while Anna writes.
    await b.transport.close();

    const send = a.transport.sendMail.bind(a.transport);
    let drops = 1;
    a.transport.sendMail = (to, id, payload) => {
      // The network goes away just as the first share is mailed.
      if (drops-- > 0) a.transport.dropConnection();
      return send(to, id, payload);
    };
    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Übergabe', memberUserIds: [ben] });
    await a.client.sendMessage(channelId, 'nach dem Abbruch');
    await eventually(() => outboxEmpty(a), 15_000, 'sent after the reconnect');
    await eventually(async () => (await waitingMail(benDevice)) === 1, 10_000, 'share mailed after the reconnect');

    await b.transport.connect();
    await eventually(async () => (await bodies(b, channelId)).includes('nach dem Abbruch'), 10_000, 'Ben reads');
  });
});
