// A profile switch that lands between the router's member check and the handler: the handler acts
// on the profile whose membership was checked, never on the one that became visible meanwhile.
// Two people share a PC and a channel; Clara sends while Bernd unlocks his profile. Her message must
// go out as hers (on the old code the handler read the visible profile again and sent it as Bernd).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

const PIN_BERND = '482915';
const PIN_CLARA = '730164';
const TEXT = 'Clara: Bett 4 bitte Kalium kontrollieren';

describe('a profile switch between the member check and the handler', () => {
  let relay: ClinicRelay;
  let admin: CoreClient;
  let shared: CoreClient;
  let bernd: { userId: string; profileId: string };
  let clara: { userId: string; profileId: string };
  let channelId: string;

  beforeAll(async () => {
    relay = await startClinicRelay();
    admin = await startCoreClient();
    shared = await startCoreClient();
    await admin.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: 'Sonnenblume-Station-3',
    });
    await admin.value('session.setPin', { pin: '593017' });
    const join = async (displayName: string, passphrase: string, pin: string) => {
      const { userId } = await admin.value('admin.addUser', { displayName, role: 'member', ward: null });
      const letter = await admin.value('admin.createRegistrationKey', { userId });
      const joined = await shared.value('org.join', {
        registrationKey: letter.registrationKey,
        relayUrl: relay.url,
        passphrase,
      });
      await shared.value('session.setPin', { pin });
      return { userId, profileId: joined.profileId };
    };
    bernd = await join('Bernd Pflege', 'Kaffeepause-Nachtdienst', PIN_BERND);
    clara = await join('Clara Intensiv', 'Morgenvisite-Intensiv-2', PIN_CLARA);
    await eventually(
      async () => {
        const devices = await admin.value('admin.deviceList', {});
        return devices.some((d) => d.userId === bernd.userId) && devices.some((d) => d.userId === clara.userId);
      },
      20_000,
      'admin knows both devices',
    );
    ({ channelId } = await admin.value('channels.create', {
      kind: 'channel',
      name: 'Station 3B',
      memberUserIds: [bernd.userId, clara.userId],
    }));
    // Clara (signed in last) is on screen and has the channel.
    await eventually(
      async () => (await shared.value('channels.list', {})).some((c) => c.channelId === channelId),
      20_000,
      'channel at Clara',
    );
  }, 120_000);

  afterAll(async () => {
    await shared?.close();
    await admin?.close();
    await relay?.relay.dispose();
  });

  it("Clara's message goes out as hers although Bernd unlocked while it passed the check", async () => {
    expect((await shared.value('session.status', {})).activeProfileId).toBe(clara.profileId);
    // The switch lands after the check answered and before the handler runs.
    const guards = shared.core.guards;
    const check = guards.member.bind(guards);
    let switches = 0;
    guards.member = async (id) => {
      const answer = await check(id);
      if (switches++ === 0)
        expect(await shared.value('session.unlock', { profileId: bernd.profileId, pin: PIN_BERND })).toEqual({
          kind: 'unlocked',
        });
      return answer;
    };
    const sent = await shared.call('messages.send', { channelId, body: TEXT });
    guards.member = check;
    expect(switches).toBe(1);
    expect(sent).toMatchObject({ ok: true });
    expect((await shared.value('session.status', {})).activeProfileId).toBe(bernd.profileId);

    // Everyone sees it from Clara, nobody from Bernd.
    const arrived = await eventually(
      async () => {
        const page = await admin.value('messages.page', { channelId });
        return page.messages.find((m) => m.body === TEXT) ?? null;
      },
      20_000,
      'message at the admin',
    );
    expect(arrived.senderUserId).toBe(clara.userId);
    const atBernd = await eventually(
      async () => {
        const page = await shared.value('messages.page', { channelId });
        return page.messages.find((m) => m.body === TEXT) ?? null;
      },
      20_000,
      "message on Bernd's screen",
    );
    expect(atBernd.senderUserId).toBe(clara.userId);
  }, 60_000);
});
