// Holes in a channel's log on a real relay process (SQLite): events deleted by the relay's
// retention while a device was offline (declared: the device skips to where the history starts),
// and an event the relay lost without a word (undeclared: the device goes on with newer events,
// asks for the missing one again with backoff, never in a hot loop, and takes it when it is back).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { historyStart } from '../../../apps/desktop/electron/core/store/sync-history.ts';
import { openSqliteStore } from '../../../apps/relay/store/sqlite.ts';
import { startTestRelay, TestOrg, type TestRelay } from '../../harness/relay.ts';
import { ClientWorld, eventually, type Workstation } from './client-world.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

const run = promisify(execFile);
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

/** Counts the pages a workstation asks the relay for (the puller's only read). */
function countFetches(ws: Workstation): { count: number } {
  const counter = { count: 0 };
  const read = ws.transport.readPage.bind(ws.transport);
  ws.transport.readPage = (channelId, afterSeq, limit) => {
    counter.count++;
    return read(channelId, afterSeq, limit);
  };
  return counter;
}

const sql = (dataDir: string, statement: string) =>
  run('sqlite3', ['-cmd', '.timeout 5000', join(dataDir, 'relay.db'), statement]);

async function twoOnChannel(name: string) {
  const anna = org.addUser('Anna');
  const ben = org.addUser('Ben');
  const annaDevice = org.addDevice(anna);
  const benDevice = org.addDevice(ben);
  relay = await startTestRelay({ org, mode: 'process', envelopeCheck: true });
  const a = await world.workstation(org, relay.url, annaDevice);
  open.push(a);
  let b = await world.workstation(org, relay.url, benDevice);
  const channelId = await a.client.createChannel({ kind: 'conversation', name, memberUserIds: [ben] });
  await a.client.sendMessage(channelId, 'früh');
  await eventually(async () => (await bodies(b, channelId)).includes('früh'), 10_000, 'ben has the first');
  await b.shutdown();
  const reopenBen = async () => {
    b = await world.workstation(org, relay.url, benDevice);
    open.push(b);
    return b;
  };
  return { a, channelId, reopenBen };
}

describe('gaps in a channel log (relay as a process)', () => {
  it('events deleted by retention while a device was offline: it skips to the declared start and gets the newer ones', async () => {
    const { a, channelId, reopenBen } = await twoOnChannel('Retention');
    await a.client.sendMessage(channelId, 'alt 1');
    await a.client.sendMessage(channelId, 'alt 2');
    await eventually(
      async () => (await a.store.messages.page(channelId)).every((m) => m.delivery === 'sent'),
      10_000,
      'sent',
    );

    // Retention runs on the relay's store (what the hourly job does): everything up to "alt 2".
    await relay.stop();
    const store = openSqliteStore(join(relay.dataDir, 'relay.db'));
    const stored = await store.page(channelId, 0, 100);
    const cutoff = stored.at(-1)!.at + 1;
    expect(await store.expire(cutoff)).toMatchObject({ events: stored.length });
    await store.close();
    await relay.restart();
    await eventually(() => a.transport.state() === 'online', 15_000, 'anna reconnected');
    await a.client.sendMessage(channelId, 'neu');

    const b = await reopenBen();
    const fetches = countFetches(b);
    await eventually(async () => (await bodies(b, channelId)).includes('neu'), 15_000, 'ben gets the newer message');
    expect(await bodies(b, channelId)).toEqual(['früh', 'neu']);
    // The store remembers where the relay said the history starts (the timeline shows it there).
    expect(historyStart(testDatabase(b.store), channelId)).toBe(stored.at(-1)!.seq + 1);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(fetches.count).toBeLessThanOrEqual(5);
  });

  it('an event the relay lost without a word: newer events keep coming, the gap is asked for with backoff (no hot loop) and filled when the event is back', async () => {
    const { a, channelId, reopenBen } = await twoOnChannel('Lücke');
    await a.client.sendMessage(channelId, 'eins');
    await a.client.sendMessage(channelId, 'zwei');
    await a.client.sendMessage(channelId, 'drei');
    await eventually(
      async () => (await a.store.messages.page(channelId)).every((m) => m.delivery === 'sent'),
      10_000,
      'sent',
    );
    const zwei = (await a.store.messages.page(channelId)).find((m) => m.body === 'zwei')!.seq!;

    // The relay loses "zwei" (kept aside to put back later) and says nothing about it.
    await relay.stop();
    await sql(
      relay.dataDir,
      `CREATE TABLE lost AS SELECT * FROM events WHERE channel = '${channelId}' AND seq = ${zwei}; DELETE FROM events WHERE channel = '${channelId}' AND seq = ${zwei};`,
    );
    await relay.restart();

    const b = await reopenBen();
    const fetches = countFetches(b);
    await eventually(async () => (await bodies(b, channelId)).includes('drei'), 15_000, 'ben gets past the gap');
    expect(await bodies(b, channelId)).toEqual(['früh', 'eins', 'drei']);
    expect(await b.store.sync.gaps()).toEqual({ [channelId]: [{ from: zwei, to: zwei }] });

    // Ten seconds with the gap open: a handful of fetches, not thousands, and new messages arrive.
    const before = fetches.count;
    const started = Date.now();
    for (let i = 1; i <= 3; i++) {
      await a.client.sendMessage(channelId, `weiter ${i}`);
      await eventually(async () => (await bodies(b, channelId)).includes(`weiter ${i}`), 5_000, `weiter ${i}`);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - started))));
    expect(fetches.count - before).toBeLessThanOrEqual(12);
    expect(await b.store.sync.gaps()).toEqual({ [channelId]: [{ from: zwei, to: zwei }] });

    // The relay has it again: a later retry takes it, in its place by seq, and the gap closes.
    await sql(relay.dataDir, 'INSERT INTO events SELECT * FROM lost; DROP TABLE lost;');
    await eventually(async () => (await bodies(b, channelId)).includes('zwei'), 60_000, 'the lost event arrives');
    expect(await bodies(b, channelId)).toEqual(['früh', 'eins', 'zwei', 'drei', 'weiter 1', 'weiter 2', 'weiter 3']);
    expect(await b.store.sync.gaps()).toEqual({});
  }, 120_000);
});
