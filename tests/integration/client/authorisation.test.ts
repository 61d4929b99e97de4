// A member with valid keys who sends what only others may send: settings with a one-day
// retention, a rename of the organisation-wide channel, an edit of someone else's message, the
// close of someone else's poll, a change and a cancel of someone else's calendar entry, an edit of
// an acknowledged urgent message. The envelopes are validly sealed and signed, so only the rule
// table (apps/desktop/electron/core/store/authorise.ts) stands in the way: every client, the sender's own
// included, ignores them. Real relay, real SQLCipher stores, three workstations.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { directoryChannelId } from '../../../apps/desktop/electron/core/client/channel-directory.ts';
import { newEventId } from '../../../apps/desktop/electron/core/client/messaging-client.ts';
import { queueOutbox } from '../../../apps/desktop/electron/core/store/messages.ts';
import { applyRetention } from '../../../apps/desktop/electron/core/store/retention.ts';
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

/**
 * A client without the engine's check (MessagingClient.send refuses these with not_permitted): the
 * event goes straight to the outbox, validly sealed and signed when sent, and nothing is applied
 * locally; the relay's ack judges it at the sender too.
 */
async function sendUnchecked(ws: Workstation, channelId: string, payload: ChannelEventPayload): Promise<void> {
  const queued = () => testDatabase(ws.store).prepare('SELECT count(*) FROM outbox').pluck().get() as number;
  const before = queued();
  await expect(ws.client.send(channelId, payload)).rejects.toMatchObject({ code: 'not_permitted' });
  expect(queued()).toBe(before);
  const event = {
    eventId: newEventId(),
    channelId,
    seq: null,
    senderUserId: ws.device.userId,
    senderDeviceId: ws.device.deviceId,
    createdAt: Date.now(),
    payload,
  };
  queueOutbox(testDatabase(ws.store), event, 'x');
  await ws.client.engine.notifyQueued();
}

const outboxEmpty = (ws: Workstation) =>
  (testDatabase(ws.store).prepare('SELECT count(*) FROM outbox').pluck().get() as number) === 0;
const hasMessage = async (ws: Workstation, channelId: string, body: string) =>
  (await ws.store.messages.page(channelId, { limit: 200 })).some((m) => m.body === body);
const channel = (ws: Workstation, channelId: string) =>
  testDatabase(ws.store)
    .prepare('SELECT name, topic, retention_days AS retentionDays FROM channels WHERE channel_id = ?')
    .get(channelId) as { name: string; topic: string; retentionDays: number | null };

async function threeWorkstations() {
  const anna = org.addUser('Anna Berger', 'admin');
  const ben = org.addUser('Ben Öztürk');
  const cara = org.addUser('Cara Schulz');
  const devices = [org.addDevice(anna), org.addDevice(ben), org.addDevice(cara)] as const;
  // The organisation-wide channel, org-signed (admin devices keep it in the app).
  org.setRoster(directoryChannelId(org.orgId), [anna, ben, cara]);
  relay = await startTestRelay({ org, envelopeCheck: true });
  const [a, b, c] = await Promise.all(devices.map((d) => world.workstation(org, relay.url, d)));
  open.push(a!, b!, c!);
  return { anna, ben, cara, a: a!, b: b!, c: c! };
}

describe('a member cannot do what the rule table reserves to others', () => {
  it('settings, rename of the org-wide channel, foreign edit, poll close and calendar change are ignored everywhere', async () => {
    const { ben, cara, a, b, c } = await threeWorkstations();
    const channelId = await a.client.createChannel({
      kind: 'channel',
      name: 'Station 3B',
      topic: 'Pflege',
      memberUserIds: [ben, cara],
    });
    const messageId = await a.client.sendMessage(channelId, 'Übergabe Zimmer 12');
    const pollId = await a.client.send(channelId, {
      type: 'poll.create',
      question: 'Teamessen?',
      options: [
        { id: 'o1', label: 'Ja' },
        { id: 'o2', label: 'Nein' },
      ],
      multipleChoice: false,
      deadline: null,
      hideVoters: false,
    });
    const start = Date.now() + 86_400_000;
    const entry = {
      type: 'calendar.put' as const,
      uid: 'cal-fortbildung-01',
      title: 'Fortbildung',
      start,
      end: start + 3_600_000,
      allDay: false,
      timeZone: 'Europe/Berlin',
      attendees: [],
    };
    await a.client.send(channelId, entry);
    for (const ws of [b, c])
      await eventually(
        () => testDatabase(ws.store).prepare('SELECT 1 FROM calendar_events WHERE uid = ?').get(entry.uid),
        10_000,
        'entry arrives',
      );

    // Ben, a member, sends with his own valid keys what the UI would never offer him.
    const orgWide = directoryChannelId(org.orgId);
    await sendUnchecked(b, channelId, {
      type: 'channel.update',
      name: 'Gekapert',
      topic: '',
      historyForNewMembers: false,
      retentionDays: 1,
    });
    await sendUnchecked(b, orgWide, {
      type: 'channel.update',
      name: 'Bens Kanal',
      topic: '',
      historyForNewMembers: false,
      retentionDays: 1,
    });
    await sendUnchecked(b, channelId, { type: 'message.edit', messageId, body: 'Übergabe Zimmer 16', mentions: [] });
    await sendUnchecked(b, channelId, { type: 'message.delete', messageId });
    await sendUnchecked(b, channelId, { type: 'poll.close', pollId });
    await sendUnchecked(b, channelId, { ...entry, title: 'Fällt aus' });
    await sendUnchecked(b, channelId, { type: 'calendar.cancel', uid: entry.uid });
    await b.client.sendMessage(channelId, 'Ende der Versuche');
    await b.client.sendMessage(orgWide, 'Ende der Versuche');
    await eventually(() => outboxEmpty(b), 10_000, 'Ben’s events accepted by the relay');
    for (const ws of [a, c]) {
      await eventually(() => hasMessage(ws, channelId, 'Ende der Versuche'), 10_000, 'channel caught up');
      await eventually(() => hasMessage(ws, orgWide, 'Ende der Versuche'), 10_000, 'org-wide channel caught up');
    }

    for (const ws of [a, b, c]) {
      const who = ws.device.userId;
      expect(channel(ws, channelId), who).toEqual({ name: 'Station 3B', topic: 'Pflege', retentionDays: null });
      expect(channel(ws, orgWide).name, who).toBe('Allgemein');
      expect(channel(ws, orgWide).retentionDays, who).toBeNull();
      expect(await ws.store.messages.get(channelId, messageId), who).toMatchObject({
        body: 'Übergabe Zimmer 12',
        editedAt: null,
        deletedAt: null,
      });
      expect(
        testDatabase(ws.store).prepare('SELECT closed_seq FROM polls WHERE poll_id = ?').pluck().get(pollId),
        who,
      ).toBeNull();
      const stored = testDatabase(ws.store)
        .prepare('SELECT data, cancelled FROM calendar_events WHERE uid = ?')
        .get(entry.uid) as { data: string; cancelled: number };
      expect({ title: (JSON.parse(stored.data) as { title: string }).title, cancelled: stored.cancelled }, who).toEqual(
        { title: 'Fortbildung', cancelled: 0 },
      );
      // A refused event leaves no trace of its content.
      expect(findInStore(testDatabase(ws.store), 'Gekapert'), who).toEqual([]);
      expect(findInStore(testDatabase(ws.store), 'Zimmer 16'), who).toEqual([]);
      // Retention (no policy limit) deletes nothing: the one-day setting never took effect.
      expect(applyRetention(testDatabase(ws.store), 0, Date.now() + 3 * 86_400_000).messages, who).toBe(0);
    }

    // The channel admin may: her settings reach every client.
    await a.client.send(channelId, {
      type: 'channel.update',
      name: 'Station 3B Nord',
      topic: 'Pflege',
      historyForNewMembers: false,
      retentionDays: 30,
    });
    for (const ws of [b, c])
      await eventually(() => channel(ws, channelId).name === 'Station 3B Nord', 10_000, 'admin rename arrives');
    expect(channel(c, channelId).retentionDays).toBe(30);
  });

  it('a demoted admin whose client seals in the epoch where it was admin still changes nothing', async () => {
    const { ben, cara, anna, a, b, c } = await threeWorkstations();
    const channelId = await a.client.createChannel({
      kind: 'channel',
      name: 'Station 3B',
      topic: 'Pflege',
      memberUserIds: [ben, cara],
    });
    const named = (ws: Workstation) =>
      testDatabase(ws.store).prepare('SELECT name FROM channels WHERE channel_id = ?').pluck().get(channelId) ===
      'Station 3B';
    for (const ws of [b, c]) await eventually(() => named(ws), 10_000, 'name arrives');
    await a.client.setMembers(channelId, [
      { userId: anna, role: 'admin' },
      { userId: ben, role: 'admin' },
      { userId: cara, role: 'member' },
    ]);
    await eventually(() => b.client.directory.currentEpoch(channelId) === 2, 10_000, 'Ben learns he is admin');
    // Ben's chain of the epoch where he is admin, known to every member.
    await b.client.sendMessage(channelId, 'Ich übernehme die Station');
    for (const ws of [a, c])
      await eventually(() => hasMessage(ws, channelId, 'Ich übernehme die Station'), 10_000, 'Ben’s chain arrives');
    await a.client.setMembers(channelId, [
      { userId: anna, role: 'admin' },
      { userId: ben, role: 'member' },
      { userId: cara, role: 'member' },
    ]);
    await eventually(
      () => b.client.directory.currentEpoch(channelId) === 3 && c.client.directory.currentEpoch(channelId) === 3,
      10_000,
      'demotion known',
    );
    // Ben's client ignores its demotion: it forgets the new roster and seals in epoch 2 with the
    // chain it holds (the header's epoch is the sender's choice), a rename and a one-day retention.
    const rosters = b.client.directory.rosters;
    const state = rosters.get(channelId)!;
    const admin = state.records.find((r) => r.body.epoch === 2)!;
    rosters.set(channelId, { ...state, records: state.records.filter((r) => r.body.epoch <= 2), current: admin.body });
    await sendUnchecked(b, channelId, {
      type: 'channel.update',
      name: 'Gekapert',
      topic: '',
      historyForNewMembers: false,
      retentionDays: 1,
    });
    await b.client.sendMessage(channelId, 'Ende der Versuche');
    await eventually(() => outboxEmpty(b), 10_000, 'Ben’s events accepted by the relay');
    for (const ws of [a, c])
      await eventually(() => hasMessage(ws, channelId, 'Ende der Versuche'), 10_000, 'caught up');
    for (const ws of [a, c]) {
      expect(channel(ws, channelId), ws.device.userId).toEqual({
        name: 'Station 3B',
        topic: 'Pflege',
        retentionDays: null,
      });
      expect(findInStore(testDatabase(ws.store), 'Gekapert'), ws.device.userId).toEqual([]);
    }
  });

  it('an acknowledged urgent message keeps its text: an edit after the acknowledgement is refused on every client', async () => {
    const { ben, cara, a, b, c } = await threeWorkstations();
    const channelId = await a.client.createChannel({
      kind: 'conversation',
      name: 'Notaufnahme',
      memberUserIds: [ben, cara],
    });
    const messageId = await a.client.sendMessage(channelId, 'Reanimation Zimmer 12', { urgent: true });
    await eventually(() => hasMessage(c, channelId, 'Reanimation Zimmer 12'), 10_000, 'Cara receives');
    await c.client.send(channelId, { type: 'message.ack', messageId });
    for (const ws of [a, b])
      await eventually(
        async () => (await ws.store.messages.acks(channelId, messageId)).length === 1,
        10_000,
        'ack arrives',
      );

    // Anna's client sends the edit anyway (the handler would refuse it).
    await sendUnchecked(a, channelId, { type: 'message.edit', messageId, body: 'Reanimation Zimmer 16', mentions: [] });
    await a.client.sendMessage(channelId, 'danach');
    for (const ws of [b, c]) await eventually(() => hasMessage(ws, channelId, 'danach'), 10_000, 'caught up');
    await eventually(() => outboxEmpty(a), 10_000, 'Anna’s events accepted');
    for (const ws of [a, b, c]) {
      expect(await ws.store.messages.get(channelId, messageId), ws.device.userId).toMatchObject({
        body: 'Reanimation Zimmer 12',
        editedAt: null,
      });
      expect(await ws.store.messages.acks(channelId, messageId)).toHaveLength(1);
    }
  });
});
