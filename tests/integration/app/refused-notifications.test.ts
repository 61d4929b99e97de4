// A notification names only what happened: a member who sends, with his own valid keys, a change
// of someone else's appointment (refused by every client's rule table) makes no "Termin"
// notification at the others, nor does a change of an existing appointment; a new one does.
// Real relay, real stores, the core as the app wires it (notifications through the fake notifier).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newEventId } from '../../../apps/desktop/electron/core/client/messaging-client.ts';
import { queueOutbox } from '../../../apps/desktop/electron/core/store/messages.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

let relay: ClinicRelay;
let anna: CoreClient;
let bernd: CoreClient;
let berndId: string;
let channelId: string;

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
    async () => (await bernd.value('channels.list', {})).some((c) => c.channelId === channelId),
    20_000,
    'channel at Bernd',
  );
}, 90_000);

afterAll(async () => {
  await anna?.close();
  await bernd?.close();
  await relay?.relay.dispose();
});

const fromBernd = () => anna.platform.notifier.shown.filter((n) => n.title.endsWith('von Bernd Pflege'));

it('a refused change of an appointment and a change of an existing one do not notify; a new appointment does', async () => {
  const start = Date.UTC(2027, 0, 11, 8);
  const { uid } = await anna.value('calendar.put', {
    channelId,
    title: 'Fortbildung',
    start,
    end: start + 3_600_000,
    allDay: false,
  });
  await eventually(
    async () =>
      (await bernd.value('calendar.range', { channelId, from: start - 1, to: start + 86_400_000 })).entries.some(
        (e) => e.uid === uid,
      ),
    20_000,
    'entry at Bernd',
  );

  // Bernd's own valid keys, past the sender-side check (the UI never offers this): straight to his outbox.
  const runtime = bernd.core.sessions.visible();
  queueOutbox(
    testDatabase(runtime.profile.store),
    {
      eventId: newEventId(),
      channelId,
      seq: null,
      senderUserId: berndId,
      senderDeviceId: runtime.identity.deviceId,
      createdAt: Date.now(),
      payload: {
        type: 'calendar.put',
        uid,
        title: 'Fällt aus',
        start,
        end: start + 3_600_000,
        allDay: false,
        timeZone: 'Europe/Berlin',
        attendees: [],
      },
    },
    'x',
  );
  await runtime.client.engine.notifyQueued();
  // His own appointment, created and then moved by him: one notification, for the creation.
  const own = await bernd.value('calendar.put', {
    channelId,
    title: 'Übergabe',
    start,
    end: start + 1_800_000,
    allDay: false,
  });
  await bernd.value('calendar.put', {
    channelId,
    uid: own.uid,
    title: 'Übergabe',
    start: start + 1_800_000,
    end: start + 3_600_000,
    allDay: false,
  });
  await bernd.value('messages.send', { channelId, body: 'Ende', urgent: false, mentions: [], replyTo: null });
  await eventually(
    () => fromBernd().some((n) => n.title.startsWith('Neue Nachricht')),
    20_000,
    'the message notified at Anna',
  );

  expect(fromBernd().map((n) => n.title)).toEqual(['Termin von Bernd Pflege', 'Neue Nachricht von Bernd Pflege']);
  // The refused title stayed out of Anna's calendar too.
  const entries = (await anna.value('calendar.range', { channelId, from: start - 1, to: start + 86_400_000 })).entries;
  expect(entries.find((e) => e.uid === uid)?.title).toBe('Fortbildung');
}, 90_000);
