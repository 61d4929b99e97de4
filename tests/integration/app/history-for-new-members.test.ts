// "Neue Mitglieder können ältere Nachrichten lesen" must hold wherever the members panel says it:
// a user added after messages were sent, in the organisation-wide channel and in a group with
// history on, reads what was written before (from the admin and from other members), however the
// current-chain shares and the history shares arrive at their device.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

async function enrol(
  admin: CoreClient,
  client: CoreClient,
  displayName: string,
  relayUrl: string,
  meanwhile?: () => Promise<void>,
): Promise<string> {
  const { userId } = await admin.value('admin.addUser', { displayName, role: 'member', ward: null });
  const letter = await admin.value('admin.createRegistrationKey', { userId });
  // Between the letter and the first sign-in (often a day) the channel goes on.
  await meanwhile?.();
  await client.value('org.join', {
    registrationKey: letter.registrationKey,
    relayUrl,
    passphrase: 'Kaffeepause-Nachtdienst',
  });
  await eventually(
    async () => (await client.value('connection.status', {})).state === 'online',
    15_000,
    `${displayName} online`,
  );
  return userId;
}

const bodies = async (client: CoreClient, channelId: string) =>
  (await client.value('messages.page', { channelId })).messages.map((m) => m.body);

describe('history for members added later', () => {
  let relay: ClinicRelay;
  let admin: CoreClient;
  let early: CoreClient;
  let late: CoreClient;
  let generalId: string;

  beforeAll(async () => {
    relay = await startClinicRelay({ verbose: !!process.env.KF_DEBUG });
    admin = await startCoreClient();
    early = await startCoreClient();
    late = await startCoreClient();
    await admin.value('org.create', {
      orgName: 'Klinikum West',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: 'Sonnenblume-Station-3',
    });
    await eventually(
      async () => (await admin.value('connection.status', {})).state === 'online',
      15_000,
      'admin online',
    );
    generalId = (await admin.value('channels.list', {})).find((c) => c.orgWide)!.channelId;
    await enrol(admin, early, 'Bernd Pflege', relay.url);
    await eventually(
      async () => (await early.value('channels.list', {})).some((c) => c.orgWide),
      20_000,
      'Allgemein at the early member',
    );
  }, 90_000);

  afterAll(async () => {
    await Promise.all([admin?.close(), early?.close(), late?.close()]);
    await relay?.relay.dispose();
  });

  it('the organisation-wide channel: a user enrolled later reads what admin and members wrote before', async () => {
    await admin.value('messages.send', { channelId: generalId, body: 'Admin vorher 1' });
    await admin.value('messages.send', { channelId: generalId, body: 'Admin vorher 2' });
    await early.value('messages.send', { channelId: generalId, body: 'Pflege vorher' });
    await eventually(
      async () => (await bodies(admin, generalId)).includes('Pflege vorher'),
      20_000,
      'member message at the admin',
    );
    await eventually(
      async () => (await bodies(early, generalId)).includes('Admin vorher 2'),
      20_000,
      'admin message at the member',
    );
    expect((await early.value('channels.list', {})).find((c) => c.orgWide)?.historyForNewMembers).toBe(true);

    await enrol(admin, late, 'Clara Spät', relay.url, async () => {
      // Sent after the user was added to the roster but before their device existed: chains of the
      // new epoch that the late device first gets mid-way (shared from the current index).
      await eventually(
        async () => (await admin.value('channels.get', { channelId: generalId })).members.length === 3,
        20_000,
        'roster with the new user',
      );
      await eventually(
        async () => (await early.value('channels.get', { channelId: generalId })).members.length === 3,
        20_000,
        'roster with the new user at the member',
      );
      await admin.value('messages.send', { channelId: generalId, body: 'Admin vor der Anmeldung' });
      await early.value('messages.send', { channelId: generalId, body: 'Pflege vor der Anmeldung' });
      await eventually(
        async () => (await bodies(admin, generalId)).includes('Pflege vor der Anmeldung'),
        20_000,
        'member message at the admin',
      );
    });
    const general = await eventually(
      async () => (await late.value('channels.list', {})).find((c) => c.orgWide),
      20_000,
      'Allgemein at the late user',
    );
    expect(general.historyForNewMembers).toBe(true);
    await eventually(
      async () => {
        const seen = await bodies(late, generalId);
        return [
          'Admin vorher 1',
          'Admin vorher 2',
          'Pflege vorher',
          'Admin vor der Anmeldung',
          'Pflege vor der Anmeldung',
        ].every((b) => seen.includes(b));
      },
      30_000,
      'history of Allgemein at the late user',
    );
    // New messages of both still arrive after the history.
    await early.value('messages.send', { channelId: generalId, body: 'Pflege nachher' });
    await admin.value('messages.send', { channelId: generalId, body: 'Admin nachher' });
    await eventually(
      async () => {
        const seen = await bodies(late, generalId);
        return ['Pflege nachher', 'Admin nachher'].every((b) => seen.includes(b));
      },
      20_000,
      'new messages at the late user',
    );
  }, 120_000);

  it('a group with history on: a member added later reads the earlier messages of admin and members', async () => {
    const lateId = (await late.value('session.me', {})).userId;
    const earlyId = (await early.value('session.me', {})).userId;
    const { channelId } = await admin.value('channels.create', {
      kind: 'conversation',
      name: 'Übergabe 3B',
      memberUserIds: [earlyId],
      historyForNewMembers: true,
    });
    await admin.value('messages.send', { channelId, body: 'Gruppe Admin vorher' });
    await eventually(
      async () => (await early.value('channels.list', {})).some((c) => c.channelId === channelId),
      20_000,
      'group at the early member',
    );
    await early.value('messages.send', { channelId, body: 'Gruppe Pflege vorher' });
    await eventually(
      async () => (await bodies(admin, channelId)).includes('Gruppe Pflege vorher'),
      20_000,
      'member message at the admin',
    );

    await admin.value('channels.setMembers', { channelId, memberUserIds: [earlyId, lateId] });
    await eventually(
      async () =>
        (await late.value('channels.list', {})).some((c) => c.channelId === channelId && c.name === 'Übergabe 3B'),
      20_000,
      'group at the late member',
    );
    // Live messages from both after the change, so current-chain shares race the history shares.
    await early.value('messages.send', { channelId, body: 'Gruppe Pflege nachher' });
    await admin.value('messages.send', { channelId, body: 'Gruppe Admin nachher' });
    await eventually(
      async () => {
        const seen = await bodies(late, channelId);
        return ['Gruppe Admin vorher', 'Gruppe Pflege vorher', 'Gruppe Pflege nachher', 'Gruppe Admin nachher'].every(
          (b) => seen.includes(b),
        );
      },
      30_000,
      'history of the group at the late member',
    );
  }, 90_000);
});
