// Read receipts travel and show only while the organisation's signed settings allow them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

let relay: ClinicRelay;
let admin: CoreClient;
let nurse: CoreClient;
let channelId: string;

beforeAll(async () => {
  relay = await startClinicRelay();
  admin = await startCoreClient();
  nurse = await startCoreClient();
  await admin.value('org.create', {
    orgName: 'Klinikum West',
    displayName: 'Anna Admin',
    relayUrl: relay.url,
    setupCode: relay.setupCode,
    passphrase: 'Sonnenblume-Station-3',
  });
  await eventually(async () => (await admin.value('connection.status', {})).state === 'online', 15_000, 'admin online');
  const { userId } = await admin.value('admin.addUser', { displayName: 'Bernd Pflege', role: 'member', ward: null });
  const letter = await admin.value('admin.createRegistrationKey', { userId });
  await nurse.value('org.join', {
    registrationKey: letter.registrationKey,
    relayUrl: relay.url,
    passphrase: 'Kaffeepause-Nachtdienst',
  });
  await eventually(
    async () => (await admin.value('admin.deviceList', {})).some((d) => d.userId === userId),
    15_000,
    'nurse device known',
  );
  ({ channelId } = await admin.value('channels.create', {
    kind: 'channel',
    name: 'Station 6',
    memberUserIds: [userId],
  }));
}, 90_000);

afterAll(async () => {
  await admin?.close();
  await nurse?.close();
  await relay?.relay.dispose();
});

const receiptsSentBy = (client: CoreClient) =>
  testDatabase(client.core.sessions.visible().profile.store)
    .prepare(`SELECT count(*) FROM events WHERE channel_id = ? AND payload LIKE '%read.receipt%'`)
    .pluck()
    .get(channelId) as number;

async function readAtNurse(body: string): Promise<{ messageId: string; seq: number }> {
  const { messageId } = await admin.value('messages.send', { channelId, body });
  const seen = await eventually(
    async () => {
      const page = await nurse.call('messages.page', { channelId });
      return page.ok ? page.value.messages.find((m) => m.messageId === messageId && m.seq !== null) : null;
    },
    20_000,
    'message at nurse',
  );
  await nurse.value('channels.markRead', { channelId, upToSortKey: seen.sortKey });
  return { messageId, seq: seen.seq! };
}

it('sends no receipt and shows nothing while the organisation has them off', async () => {
  const { messageId } = await readAtNurse('Dienstplan hängt aus');
  await new Promise((r) => setTimeout(r, 500));
  expect(receiptsSentBy(nurse)).toBe(0);
  const mine = (await admin.value('messages.page', { channelId })).messages.find((m) => m.messageId === messageId);
  expect(mine?.readBy).toBeNull();
  expect(await admin.call('messages.readers', { channelId, messageId })).toMatchObject({
    ok: false,
    error: { code: 'unavailable' },
  });
}, 30_000);

it('once switched on, the sender sees who read a message and who has not', async () => {
  await admin.value('admin.setOrgSettings', {
    retentionDays: 0,
    readReceipts: true,
    notificationContent: 'sender',
    historyForNewMembers: false,
  });
  await eventually(
    () => nurse.core.sessions.visible().client.directory.orgSettings?.body.readReceipts === true,
    15_000,
    'settings at nurse',
  );
  const { messageId: unreadYet } = await admin.value('messages.send', { channelId, body: 'noch ungelesen' });
  await eventually(
    async () =>
      (await admin.value('messages.page', { channelId })).messages.find((m) => m.messageId === unreadYet)?.readBy,
    15_000,
    'readBy shown',
  );
  expect(
    (await admin.value('messages.page', { channelId })).messages.find((m) => m.messageId === unreadYet)?.readBy,
  ).toEqual({ read: 0, total: 1 });

  const { messageId } = await readAtNurse('Übergabe 14 Uhr');
  const view = await eventually(
    async () => {
      const m = (await admin.value('messages.page', { channelId })).messages.find((x) => x.messageId === messageId);
      return m?.readBy?.read === 1 ? m : null;
    },
    20_000,
    'receipt at admin',
  );
  expect(view.readBy).toEqual({ read: 1, total: 1 });
  const readers = await admin.value('messages.readers', { channelId, messageId });
  expect(readers.read.map((r) => r.displayName)).toEqual(['Bernd Pflege']);
  expect(readers.unread).toEqual([]);
  // Reading up to a message covers the earlier ones too; a receipt is sent only when it moves.
  expect(
    (await admin.value('messages.page', { channelId })).messages.find((m) => m.messageId === unreadYet)?.readBy,
  ).toEqual({ read: 1, total: 1 });
  const sent = receiptsSentBy(nurse);
  await nurse.value('channels.markRead', { channelId, upToSortKey: view.sortKey });
  expect(receiptsSentBy(nurse)).toBe(sent);
  // Only the sender of a message may ask who read it.
  expect(await nurse.call('messages.readers', { channelId, messageId })).toMatchObject({
    ok: false,
    error: { code: 'not_found' },
  });
}, 60_000);

it('a mark up to an own message still being sent does not count later messages as read', async () => {
  const unread = async () =>
    (await nurse.value('channels.list', {})).find((c) => c.channelId === channelId)?.unreadCount;
  const { seq } = await readAtNurse('Vor dem eigenen Entwurf');
  // The provisional key of an own message in the outbox lies above every relay-ordered one.
  const provisional = 2 ** 50 + 1;
  await nurse.value('channels.markRead', { channelId, upToSortKey: provisional });
  const db = testDatabase(nurse.core.sessions.visible().profile.store);
  expect(db.prepare('SELECT read_up_to FROM read_state WHERE channel_id = ?').pluck().get(channelId)).toBe(seq);
  const { messageId } = await admin.value('messages.send', { channelId, body: 'Danach geschrieben' });
  await eventually(
    async () => (await nurse.value('messages.page', { channelId })).messages.some((m) => m.messageId === messageId),
    20_000,
    'later message at nurse',
  );
  expect(await unread()).toBe(1);

  // A mark left there by an earlier version is replaced by the next one, not kept by max().
  db.prepare('UPDATE read_state SET read_up_to = ? WHERE channel_id = ?').run(provisional, channelId);
  expect(await unread()).toBe(0);
  await nurse.value('channels.markRead', { channelId, upToSortKey: seq });
  expect(await unread()).toBe(1);
}, 30_000);
