// Issue 14, item 5: the relay connection dropping while a device handles key-share mail used to
// reject a promise nobody awaited (MessagingClient's mail handler), which ends a Node process. The
// socket is dropped 50 times right as the device acknowledges its mail: nothing is left unhandled,
// the mail is handled again after each reconnect, and the keys work afterwards.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, TestOrg, type TestRelay } from '../../harness/relay.ts';
import { ClientWorld, eventually, type Workstation } from './client-world.ts';

const DROPS = 50;
let org: TestOrg;
let relay: TestRelay;
const world = new ClientWorld();
const open: Workstation[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  org = await TestOrg.create();
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  for (const ws of open.splice(0)) await ws.shutdown().catch(() => {});
  await relay?.dispose();
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  world.dispose();
});

describe('the connection drops during key-share handling', () => {
  it(`${DROPS} drops while acknowledging key shares: no unhandled rejection, and the channel still reads`, async () => {
    const anna = org.addUser('Anna');
    const ben = org.addUser('Ben');
    const annaDevice = org.addDevice(anna);
    const benDevice = org.addDevice(ben);
    relay = await startTestRelay({ org, envelopeCheck: true });
    const a = await world.workstation(org, relay.url, annaDevice);
    const b = await world.workstation(org, relay.url, benDevice);
    open.push(a, b);
    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Station 3B', memberUserIds: [ben] });
    await a.client.sendMessage(channelId, 'vorher');
    await eventually(async () => (await b.store.messages.page(channelId)).length === 1, 10_000, 'first message');

    // Ben's link goes down each time he acknowledges his mail, until it happened DROPS times.
    const ack = b.transport.ackMail.bind(b.transport);
    let drops = 0;
    b.transport.ackMail = (ids) => {
      if (drops < DROPS) {
        drops++;
        b.transport.dropConnection();
      }
      return ack(ids);
    };
    for (let round = 0; drops < DROPS; round++) {
      expect(round).toBeLessThan(DROPS * 4);
      const before = drops;
      await eventually(() => b.transport.state() === 'online' || drops > before, 10_000, 'Ben back online');
      // A real share of Anna's current chain, mailed again: Ben accepts it (it moves nothing) and acknowledges.
      const [share] = a.client.crypto.shareWith(channelId, [benDevice.deviceId]);
      await a.transport.sendMail(benDevice.deviceId, `drop-${round}-${Date.now()}`, share!.envelope);
      await eventually(() => drops > before, 10_000, `drop ${before + 1}`);
    }
    expect(drops).toBe(DROPS);
    await eventually(() => b.transport.state() === 'online', 10_000, 'Ben online at the end');
    // Everything that was mailed is handled and acknowledged after the last reconnect.
    await eventually(
      async () => (await relay.store!.mailFetch(benDevice.deviceId, 100)).length === 0,
      10_000,
      'mailbox drained',
    );
    await a.client.sendMessage(channelId, 'nachher');
    await eventually(
      async () => (await b.store.messages.page(channelId)).length === 2,
      10_000,
      'message after the drops',
    );
    expect(unhandled).toEqual([]);
  }, 120_000);
});
