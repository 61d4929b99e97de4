// Without the relay: joining says the relay is unreachable; a signed-in profile still opens with
// its local data, queues what is written, and sends it once the relay is back.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';
import { generateRegistrationCode } from '../../../apps/desktop/electron/core/crypto/enrolment.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';

const PASS = 'Sonnenblume-Station-3';
let relay: ClinicRelay;
let admin: CoreClient;
let stranger: CoreClient;

beforeAll(async () => {
  relay = await startClinicRelay();
  admin = await startCoreClient();
  stranger = await startCoreClient();
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await stranger?.close();
  await relay?.relay.dispose();
});

it('joining with an unreachable relay address fails with relay_unreachable and creates no profile', async () => {
  await readySodium();
  const result = await stranger.call('org.join', {
    registrationKey: generateRegistrationCode(),
    relayUrl: 'ws://127.0.0.1:9',
    passphrase: PASS,
  });
  expect(result).toMatchObject({ ok: false, error: { code: 'relay_unreachable' } });
  expect((await stranger.value('session.status', {})).profileCount).toBe(0);
});

it('signs in offline with local data, queues a message and delivers it when the relay is back', async () => {
  const { profileId } = await admin.value('org.create', {
    orgName: 'Praxis Ost',
    displayName: 'Anna Admin',
    relayUrl: relay.url,
    setupCode: relay.setupCode,
    passphrase: PASS,
  });
  await eventually(async () => (await admin.value('connection.status', {})).state === 'online', 15_000, 'online');
  const { channelId } = await admin.value('channels.create', {
    kind: 'conversation',
    name: 'Leitung',
    memberUserIds: [],
  });
  // Own events show at once (the channel is listed before the relay has it), so wait for the outbox instead.
  expect((await admin.value('channels.list', {})).some((c) => c.channelId === channelId)).toBe(true);
  await eventually(async () => (await admin.value('connection.status', {})).pendingSends === 0, 15_000, 'channel sent');
  await admin.value('session.signOut', {});

  await relay.relay.stop();
  const status = await admin.value('session.signIn', { profileId, passphrase: PASS });
  expect(status.state).toBe('unlocked');
  expect((await admin.value('connection.status', {})).state).not.toBe('online');
  // The organisation-wide channel comes first, then the channel made before going offline.
  expect((await admin.value('channels.list', {})).map((c) => c.name)).toEqual(['Allgemein', 'Leitung']);
  const { messageId } = await admin.value('messages.send', { channelId, body: 'offline geschrieben' });
  expect((await admin.value('connection.status', {})).pendingSends).toBe(1);
  expect(
    (await admin.value('messages.page', { channelId })).messages.find((m) => m.messageId === messageId)?.delivery,
  ).toBe('sending');

  await relay.relay.restart();
  await eventually(
    async () =>
      (await admin.value('messages.page', { channelId })).messages.find(
        (m) => m.messageId === messageId && m.delivery === 'sent',
      ),
    30_000,
    'sent after reconnect',
  );
  expect((await admin.value('connection.status', {})).pendingSends).toBe(0);
}, 90_000);
