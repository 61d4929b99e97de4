// A user put into a channel before their device enrolled: once the device joins, the channel
// appears with its name and new messages reach it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

let relay: ClinicRelay;
let admin: CoreClient;
let nurse: CoreClient;

beforeAll(async () => {
  relay = await startClinicRelay({ verbose: !!process.env.KF_DEBUG });
  admin = await startCoreClient();
  nurse = await startCoreClient();
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await nurse?.close();
  await relay?.relay.dispose();
});

it('a member who enrols after the channel was made sees it, named, and gets new messages', async () => {
  await admin.value('org.create', {
    orgName: 'Klinikum Süd',
    displayName: 'Anna Admin',
    relayUrl: relay.url,
    setupCode: relay.setupCode,
    passphrase: 'Sonnenblume-Station-3',
  });
  await eventually(async () => (await admin.value('connection.status', {})).state === 'online', 15_000, 'admin online');
  const { userId } = await admin.value('admin.addUser', { displayName: 'Bernd Pflege', role: 'member', ward: null });
  const { channelId } = await admin.value('channels.create', {
    kind: 'channel',
    name: 'Station 5',
    topic: 'Früh',
    memberUserIds: [userId],
  });
  await admin.value('messages.send', { channelId, body: 'vor dem Beitritt' });
  const letter = await admin.value('admin.createRegistrationKey', { userId });

  await nurse.value('org.join', {
    registrationKey: letter.registrationKey,
    relayUrl: relay.url,
    passphrase: 'Kaffeepause-Nachtdienst',
  });
  const channel = await eventually(
    async () => (await nurse.value('channels.list', {})).find((c) => c.channelId === channelId),
    20_000,
    'channel at the late member',
  );
  expect(channel).toMatchObject({ name: 'Station 5', topic: 'Früh' });

  await admin.value('messages.send', { channelId, body: 'nach dem Beitritt' });
  await eventually(
    async () =>
      (await nurse.value('messages.page', { channelId })).messages.some((m) => m.body === 'nach dem Beitritt'),
    20_000,
    'new message at the late member',
  );
}, 90_000);
