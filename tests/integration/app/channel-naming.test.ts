// Issue 15 through the IPC router, as the renderer calls it: channels.create answers with the new
// channel (item 1), a direct chat is named after the other person on both sides, everywhere
// (item 3; notifications name only the sender, by policy, and never the reader), and marking read tells the renderer that the sidebar changed (item 4).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

let relay: ClinicRelay;
let anna: CoreClient;
let bernd: CoreClient;
let berndId: string;

beforeAll(async () => {
  relay = await startClinicRelay();
  anna = await startCoreClient();
  bernd = await startCoreClient();
  await anna.value('org.create', {
    orgName: 'Klinikum West',
    displayName: 'Anna Admin',
    relayUrl: relay.url,
    setupCode: relay.setupCode,
    passphrase: 'Sonnenblume-Station-3',
  });
  await eventually(async () => (await anna.value('connection.status', {})).state === 'online', 15_000, 'admin online');
  ({ userId: berndId } = await anna.value('admin.addUser', {
    displayName: 'Bernd Pflege',
    role: 'member',
    ward: null,
  }));
  const letter = await anna.value('admin.createRegistrationKey', { userId: berndId });
  await bernd.value('org.join', {
    registrationKey: letter.registrationKey,
    relayUrl: relay.url,
    passphrase: 'Kaffeepause-Nachtdienst',
  });
  await eventually(
    async () => (await anna.value('admin.deviceList', {})).some((d) => d.userId === berndId),
    15_000,
    'nurse device known',
  );
}, 90_000);

afterAll(async () => {
  await anna?.close();
  await bernd?.close();
  await relay?.relay.dispose();
});

it('channels.create answers with the new channel as the sidebar lists it, before the relay acknowledged its name', async () => {
  const created = await anna.value('channels.create', {
    kind: 'conversation',
    name: 'Übergabe Zimmer 12',
    memberUserIds: [berndId],
  });
  expect(created.channel).toMatchObject({
    channelId: created.channelId,
    kind: 'conversation',
    name: 'Übergabe Zimmer 12',
    orgWide: false,
    unreadCount: 0,
  });
  // Listed at once: the sidebar never loses the channel the user just opened.
  expect((await anna.value('channels.list', {})).map((c) => c.channelId)).toContain(created.channelId);
}, 30_000);

it('a direct chat is named after the other person on both sides: list, details, search and notification', async () => {
  // The creator's UI names a direct chat after the person it is with; that name must not reach Bernd.
  const { channelId } = await anna.value('channels.create', {
    kind: 'direct',
    name: 'Bernd Pflege',
    memberUserIds: [berndId],
  });
  const annaSees = await eventually(
    async () => (await anna.value('channels.list', {})).find((c) => c.channelId === channelId),
    20_000,
    'direct chat at Anna',
  );
  expect(annaSees.name).toBe('Bernd Pflege');
  await anna.value('messages.send', { channelId, body: 'Kurze Frage zur Visite' });
  const berndSees = await eventually(
    async () => (await bernd.value('channels.list', {})).find((c) => c.channelId === channelId),
    20_000,
    'direct chat at Bernd',
  );
  expect(berndSees.name).toBe('Anna Admin');
  expect((await bernd.value('channels.get', { channelId })).name).toBe('Anna Admin');
  expect((await anna.value('channels.get', { channelId })).name).toBe('Bernd Pflege');
  await eventually(
    async () => (await bernd.value('search.query', { text: 'Visite', limit: 10 })).length > 0,
    20_000,
    'searchable at Bernd',
  );
  expect((await bernd.value('search.query', { text: 'Visite', limit: 10 })).map((h) => h.channelName)).toEqual([
    'Anna Admin',
  ]);
  expect((await anna.value('search.query', { text: 'Visite', limit: 10 })).map((h) => h.channelName)).toEqual([
    'Bernd Pflege',
  ]);
  const notification = await eventually(
    () => bernd.platform.notifier.shown.find((n) => n.tag === channelId),
    20_000,
    'notification at Bernd',
  );
  expect(notification.title).toBe('Neue Nachricht von Anna Admin');
  expect(notification.title).not.toContain('Bernd');
}, 60_000);

it('marking read tells the renderer the sidebar changed, so the badge goes at once', async () => {
  const { channelId } = await anna.value('channels.create', {
    kind: 'channel',
    name: 'Station 7',
    memberUserIds: [berndId],
  });
  const { messageId } = await anna.value('messages.send', { channelId, body: 'Neuer Patient in Zimmer 3' });
  const message = await eventually(
    async () => {
      const page = await bernd.call('messages.page', { channelId });
      return page.ok ? page.value.messages.find((m) => m.messageId === messageId && m.seq !== null) : null;
    },
    20_000,
    'message at Bernd',
  );
  expect((await bernd.value('channels.list', {})).find((c) => c.channelId === channelId)?.unreadCount).toBe(1);
  // Let the change events of the arrival go out first, then watch only what the mark causes.
  await new Promise((r) => setTimeout(r, 100));
  bernd.events.splice(0);
  await bernd.value('channels.markRead', { channelId, upToSortKey: message.sortKey });
  await eventually(
    () => bernd.events.some((e) => e.event === 'channels.changed'),
    10_000,
    'channels.changed after markRead',
  );
  expect((await bernd.value('channels.list', {})).find((c) => c.channelId === channelId)?.unreadCount).toBe(0);
}, 30_000);
