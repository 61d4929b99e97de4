// The sender's side of the rule table (docs/protocol.md "Authorisation"), through the IPC router as
// the renderer calls it: what every receiving client would refuse is refused at once with
// `not_permitted`, and nothing is queued. Receiving clients are covered in
// tests/integration/client/authorisation.test.ts.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

let relay: ClinicRelay;
let anna: CoreClient;
let bernd: CoreClient;
let berndId: string;
let channelId: string;

const outbox = async (client: CoreClient) => (await client.value('connection.status', {})).pendingSends;

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
  ({ channelId } = await anna.value('channels.create', {
    kind: 'channel',
    name: 'Station 6',
    memberUserIds: [berndId],
  }));
  await eventually(
    async () =>
      (await bernd.value('channels.list', {})).some((c) => c.channelId === channelId && c.name === 'Station 6'),
    20_000,
    'channel at Bernd',
  );
}, 90_000);

afterAll(async () => {
  await anna?.close();
  await bernd?.close();
  await relay?.relay.dispose();
});

it('an acknowledged urgent message is not edited, by its author either; an unacknowledged one still is', async () => {
  const { messageId } = await anna.value('messages.send', {
    channelId,
    body: 'Reanimation Zimmer 12',
    urgent: true,
    mentions: [],
    replyTo: null,
  });
  await eventually(
    async () =>
      (await bernd.value('messages.page', { channelId, limit: 50 })).messages.some((m) => m.messageId === messageId),
    20_000,
    'urgent at Bernd',
  );
  await bernd.value('messages.ack', { channelId, messageId });
  await eventually(
    async () =>
      (await anna.value('messages.page', { channelId, limit: 50 })).messages.find((m) => m.messageId === messageId)?.ack
        ?.acked === 1,
    20_000,
    'ack at Anna',
  );

  const edit = await anna.call('messages.edit', { channelId, messageId, body: 'Reanimation Zimmer 16', mentions: [] });
  expect(edit).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
  const shown = (await anna.value('messages.page', { channelId, limit: 50 })).messages.find(
    (m) => m.messageId === messageId,
  );
  expect(shown).toMatchObject({ body: 'Reanimation Zimmer 12', editedAt: null });
  // An unacknowledged urgent message is still the author's to correct.
  const { messageId: fresh } = await anna.value('messages.send', {
    channelId,
    body: 'Zimmer 4',
    urgent: true,
    mentions: [],
    replyTo: null,
  });
  expect(
    await anna.call('messages.edit', { channelId, messageId: fresh, body: 'Zimmer 5', mentions: [] }),
  ).toMatchObject({ ok: true });
}, 60_000);

it("a member cannot change or cancel the admin's calendar entry, nor its occurrences; the creator can", async () => {
  const start = Date.UTC(2027, 0, 11, 8);
  const { uid } = await anna.value('calendar.put', {
    channelId,
    title: 'Fortbildung',
    start,
    end: start + 3_600_000,
    allDay: false,
    rrule: 'FREQ=WEEKLY;COUNT=4',
  });
  await eventually(
    async () =>
      (await bernd.value('calendar.range', { channelId, from: start - 1, to: start + 30 * 86_400_000 })).entries.some(
        (e) => e.uid === uid,
      ),
    20_000,
    'entry at Bernd',
  );
  await eventually(async () => (await outbox(bernd)) === 0, 20_000, 'Bernd has nothing queued');
  expect(
    await bernd.call('calendar.put', {
      channelId,
      uid,
      title: 'Fällt aus',
      start,
      end: start + 3_600_000,
      allDay: false,
    }),
  ).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
  expect(await bernd.call('calendar.cancel', { channelId, uid })).toMatchObject({
    ok: false,
    error: { code: 'not_permitted' },
  });
  expect(
    await bernd.call('calendar.cancelOccurrence', { channelId, uid, recurrenceId: start + 7 * 86_400_000 }),
  ).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
  expect(await outbox(bernd)).toBe(0);
  // A new entry is anybody's to make.
  expect(
    await bernd.call('calendar.put', { channelId, title: 'Kaffeerunde', start, end: start + 1_800_000, allDay: false }),
  ).toMatchObject({ ok: true });
  expect(
    await anna.call('calendar.cancelOccurrence', { channelId, uid, recurrenceId: start + 7 * 86_400_000 }),
  ).toMatchObject({ ok: true });
}, 60_000);
