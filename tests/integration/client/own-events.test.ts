// Issue 15, item 1: the sender's own events take effect when they are queued, through the same
// apply path as received events; the relay's ack only gives them their seq and delivery state.
// A new channel's name was hidden until the relay acknowledged it, so the UI fell back to the
// organisation-wide channel and a handover was posted there.
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

const channelRow = (ws: Workstation, channelId: string) =>
  testDatabase(ws.store)
    .prepare('SELECT name, topic, retention_days FROM channels WHERE channel_id = ?')
    .get(channelId) as { name: string; topic: string; retention_days: number | null };
const pollRow = (ws: Workstation, channelId: string) =>
  testDatabase(ws.store)
    .prepare('SELECT poll_id, created_seq, closed_seq FROM polls WHERE channel_id = ?')
    .get(channelId) as { poll_id: string; created_seq: number | null; closed_seq: number | null } | undefined;
const votes = (ws: Workstation, channelId: string) =>
  testDatabase(ws.store)
    .prepare('SELECT user_id, option_ids, seq FROM poll_votes WHERE channel_id = ?')
    .all(channelId) as Array<{ user_id: string; option_ids: string; seq: number | null }>;

describe('own events take effect when queued', () => {
  it('a new channel is listed with its name as soon as createChannel returns, before the relay acknowledged anything', async () => {
    const anna = org.addUser('Anna');
    const ben = org.addUser('Ben');
    const annaDevice = org.addDevice(anna);
    relay = await startTestRelay({ org, envelopeCheck: true });
    const a = await world.workstation(org, relay.url, annaDevice);
    open.push(a);
    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Übergabe 3B', memberUserIds: [ben] });
    // No I/O turn has passed since the name event was queued: only a queue-time apply can show it.
    const listed = (await a.store.channels.listFor(anna)).find((c) => c.channelId === channelId);
    expect(listed?.name).toBe('Übergabe 3B');
    expect(
      await testDatabase(a.store).prepare('SELECT count(*) FROM outbox WHERE channel_id = ?').pluck().get(channelId),
    ).toBe(1);
  });

  it('settings, edits, deletes, acks and polls written offline are visible at once, and keep their effect once the relay orders them', async () => {
    const anna = org.addUser('Anna');
    const ben = org.addUser('Ben');
    const annaDevice = org.addDevice(anna);
    const benDevice = org.addDevice(ben);
    relay = await startTestRelay({ org, envelopeCheck: true });
    const a = await world.workstation(org, relay.url, annaDevice);
    const b = await world.workstation(org, relay.url, benDevice);
    open.push(b);
    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Nachtdienst', memberUserIds: [ben] });
    const first = await a.client.sendMessage(channelId, 'Zimmer 12 isoliert', { urgent: true });
    const second = await a.client.sendMessage(channelId, 'Zimmer 14 frei');
    await eventually(async () => (await b.store.messages.page(channelId)).length === 2, 10_000, 'Ben has both');
    await eventually(
      async () => (await a.store.messages.page(channelId)).every((m) => m.delivery === 'sent'),
      10_000,
      'both sent',
    );

    // Offline: nothing is acknowledged from here on.
    await a.transport.close();
    await a.client.send(channelId, {
      type: 'channel.update',
      name: 'Nachtdienst 3B',
      topic: 'Übergaben',
      historyForNewMembers: false,
      retentionDays: 30,
    });
    await a.client.send(channelId, {
      type: 'message.edit',
      messageId: first,
      body: 'Zimmer 12 isoliert (MRSA)',
      mentions: [],
    });
    await a.client.send(channelId, { type: 'message.delete', messageId: second });
    await a.client.send(channelId, { type: 'message.ack', messageId: first });
    const pollId = await a.client.send(channelId, {
      type: 'poll.create',
      question: 'Pause um 3?',
      options: [
        { id: 'ja', label: 'Ja' },
        { id: 'nein', label: 'Nein' },
      ],
      multipleChoice: false,
      deadline: null,
      hideVoters: false,
    });
    await a.client.send(channelId, { type: 'poll.vote', pollId, optionIds: ['ja'] });
    await a.client.send(channelId, { type: 'poll.close', pollId });

    expect(channelRow(a, channelId)).toEqual({ name: 'Nachtdienst 3B', topic: 'Übergaben', retention_days: 30 });
    const queued = await a.store.messages.page(channelId);
    expect(queued.find((m) => m.messageId === first)).toMatchObject({
      body: 'Zimmer 12 isoliert (MRSA)',
      editedAt: expect.any(Number) as number,
    });
    expect(queued.find((m) => m.messageId === second)).toMatchObject({
      body: '',
      deletedAt: expect.any(Number) as number,
    });
    expect((await a.store.messages.acks(channelId, first)).map((x) => x.userId)).toEqual([anna]);
    expect(pollRow(a, channelId)).toMatchObject({ poll_id: pollId, created_seq: null, closed_seq: 0 });
    expect(votes(a, channelId)).toEqual([{ user_id: anna, option_ids: '["ja"]', seq: null }]);
    await a.shutdown();

    // Back online: the relay orders them; the state stays, now with the relay's seqs, and Ben agrees.
    const again = await world.workstation(org, relay.url, annaDevice);
    open.push(again);
    await eventually(
      () => testDatabase(again.store).prepare('SELECT count(*) FROM outbox').pluck().get() === 0,
      10_000,
      'outbox drained',
    );
    await eventually(() => pollRow(b, channelId)?.closed_seq, 10_000, 'Ben sees the poll closed');
    await eventually(() => channelRow(b, channelId).name === 'Nachtdienst 3B', 10_000, 'Ben sees the new name');
    expect(channelRow(again, channelId)).toEqual(channelRow(b, channelId));
    expect(pollRow(again, channelId)).toEqual(pollRow(b, channelId));
    expect(votes(again, channelId)).toEqual(votes(b, channelId));
    const logged = testDatabase(again.store)
      .prepare('SELECT count(*) FROM events WHERE channel_id = ? AND sender_user_id = ? AND seq IS NULL')
      .pluck()
      .get(channelId, anna);
    expect(logged).toBe(0);
    const bodies = async (ws: Workstation) =>
      (await ws.store.messages.page(channelId)).map((m) => [m.messageId, m.body, m.deletedAt !== null, m.seq]);
    expect(await bodies(again)).toEqual(await bodies(b));
  });
});
