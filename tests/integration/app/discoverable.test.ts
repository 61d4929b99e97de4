// Discoverable channels through the core and IPC router, two workstations on a real relay
// process: everyone is in the organisation-wide channel; an admin announces a channel there; a
// member finds it, asks to join, is added by the admin's device by itself, reads the history and
// new messages, and leaves again. The relay's stored bytes never contain a channel name.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

const OPEN_NAME = 'Hygieneteam Nord';
const SECRET_NAME = 'Geheimprojekt Station 9';

/** Every file of the relay's data folder (database, WAL), as one buffer. */
async function relayBytes(relay: ClinicRelay): Promise<Buffer> {
  const dir = relay.relay.dataDir;
  const files = await readdir(dir);
  return Buffer.concat(await Promise.all(files.map((f) => readFile(join(dir, f)).catch(() => Buffer.alloc(0)))));
}

describe('discoverable channels', () => {
  let relay: ClinicRelay;
  let admin: CoreClient;
  let nurse: CoreClient;
  let nurseId: string;
  let openId: string;
  let secretId: string;

  beforeAll(async () => {
    relay = await startClinicRelay({ verbose: !!process.env.KF_DEBUG });
    admin = await startCoreClient();
    nurse = await startCoreClient();
    await admin.value('org.create', {
      orgName: 'Klinikum Ost',
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
    ({ userId: nurseId } = await admin.value('admin.addUser', {
      displayName: 'Bernd Pflege',
      role: 'member',
      ward: 'Station 3B',
    }));
    const letter = await admin.value('admin.createRegistrationKey', { userId: nurseId });
    await nurse.value('org.join', {
      registrationKey: letter.registrationKey,
      relayUrl: relay.url,
      passphrase: 'Kaffeepause-Nachtdienst',
    });
    await eventually(
      async () => (await nurse.value('connection.status', {})).state === 'online',
      15_000,
      'nurse online',
    );
  }, 90_000);

  afterAll(async () => {
    await admin?.close();
    await nurse?.close();
    await relay?.relay.dispose();
  });

  it('every user is in the organisation-wide channel, which nobody can leave', async () => {
    const general = await eventually(
      async () => (await nurse.value('channels.list', {})).find((c) => c.orgWide),
      20_000,
      'org-wide channel at the nurse',
    );
    expect(general).toMatchObject({ name: 'Allgemein', kind: 'channel' });
    expect((await admin.value('channels.list', {}))[0]).toMatchObject({ channelId: general.channelId, orgWide: true });
    const detail = await admin.value('channels.get', { channelId: general.channelId });
    expect(detail.members.map((m) => m.userId).sort()).toEqual(
      [nurseId, (await admin.value('session.me', {})).userId].sort(),
    );
    expect(detail.canManage).toBe(false);
    expect(await nurse.call('channels.leave', { channelId: general.channelId })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
  }, 30_000);

  it('lists an announced channel to a non-member, and never a channel that was not announced', async () => {
    ({ channelId: openId } = await admin.value('channels.create', {
      kind: 'channel',
      name: OPEN_NAME,
      topic: 'Fragen zur Händehygiene',
      memberUserIds: [],
      historyForNewMembers: true,
      discoverable: true,
    }));
    ({ channelId: secretId } = await admin.value('channels.create', {
      kind: 'channel',
      name: SECRET_NAME,
      memberUserIds: [],
    }));
    await admin.value('messages.send', { channelId: openId, body: 'Vor dem Beitritt: Desinfektionsplan hängt aus' });
    await admin.value('messages.send', { channelId: secretId, body: 'nur für die Projektgruppe' });

    const found = await eventually(
      async () => (await nurse.value('channels.discover', {})).find((c) => c.channelId === openId),
      20_000,
      'announcement at the nurse',
    );
    expect(found).toEqual({
      channelId: openId,
      name: OPEN_NAME,
      topic: 'Fragen zur Händehygiene',
      historyForNewMembers: true,
      memberCount: 1,
      state: 'open',
    });
    const listed = await nurse.value('channels.discover', {});
    expect(listed.map((c) => c.channelId)).not.toContain(secretId);
    // The admin is a member of both: nothing to discover for them.
    expect(await admin.value('channels.discover', {})).toEqual([]);
    expect(await nurse.call('channels.join', { channelId: secretId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  }, 30_000);

  it('joins: requested at once, then a member (added by the admin device), with the history', async () => {
    expect(await nurse.value('channels.join', { channelId: openId })).toEqual({ state: 'requested' });
    expect((await nurse.value('channels.discover', {})).find((c) => c.channelId === openId)?.state).toBe('requested');

    const joined = await eventually(
      async () => (await nurse.value('channels.list', {})).find((c) => c.channelId === openId),
      30_000,
      'channel at the nurse',
    );
    expect(joined).toMatchObject({ name: OPEN_NAME, orgWide: false });
    expect((await nurse.value('channels.discover', {})).map((c) => c.channelId)).not.toContain(openId);
    const members = (await admin.value('channels.get', { channelId: openId })).members;
    expect(members.find((m) => m.userId === nurseId)).toMatchObject({ role: 'member' });

    // The channel allows history: the message from before the join is readable.
    await eventually(
      async () =>
        (await nurse.value('messages.page', { channelId: openId })).messages.some((m) =>
          m.body.startsWith('Vor dem Beitritt'),
        ),
      30_000,
      'history at the nurse',
    );
    await admin.value('messages.send', { channelId: openId, body: 'Nach dem Beitritt: Schulung am Dienstag' });
    await eventually(
      async () =>
        (await nurse.value('messages.page', { channelId: openId })).messages.some((m) =>
          m.body.startsWith('Nach dem Beitritt'),
        ),
      20_000,
      'new message at the nurse',
    );
    await nurse.value('messages.send', { channelId: openId, body: 'Danke, bin dabei' });
    await eventually(
      async () =>
        (await admin.value('messages.page', { channelId: openId })).messages.some((m) => m.body === 'Danke, bin dabei'),
      20_000,
      'reply at the admin',
    );
    // The non-announced channel stays closed to the nurse.
    expect(await nurse.call('messages.page', { channelId: secretId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  }, 90_000);

  it('the relay stores no channel name, topic or message text (but does hold the plaintext directory)', async () => {
    const bytes = await relayBytes(relay);
    // Control: user names are in signed directory records in clear, so the scan does read the data.
    expect(bytes.includes(Buffer.from('Bernd Pflege'))).toBe(true);
    for (const secret of [OPEN_NAME, SECRET_NAME, 'Händehygiene', 'Desinfektionsplan', 'Allgemein']) {
      expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
    }
  });

  it('a member who is not an admin leaves on their own, and can ask again', async () => {
    await nurse.value('channels.leave', { channelId: openId });
    expect((await nurse.value('channels.list', {})).map((c) => c.channelId)).not.toContain(openId);
    await eventually(
      async () => !(await admin.value('channels.get', { channelId: openId })).members.some((m) => m.userId === nurseId),
      20_000,
      'nurse off the roster',
    );
    const again = await eventually(
      async () => (await nurse.value('channels.discover', {})).find((c) => c.channelId === openId),
      20_000,
      'listed again',
    );
    expect(again.state).toBe('open');

    // The fulfilled old request does not bring the nurse back: only a new one does.
    await admin.core.sessions.visible().client.discoveryIdle();
    expect((await admin.value('channels.get', { channelId: openId })).members.map((m) => m.userId)).not.toContain(
      nurseId,
    );
    expect(await nurse.value('channels.join', { channelId: openId })).toEqual({ state: 'requested' });
    await eventually(
      async () => (await nurse.value('channels.list', {})).some((c) => c.channelId === openId),
      30_000,
      'rejoined',
    );
  }, 90_000);
});
