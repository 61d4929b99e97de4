// Availability through the core and the real relay, three workstations: off by default (nobody can
// set a status), switched on by the organisation's signed settings; Dr. Alt sets "nicht stören"
// with Dr. Berg as cover, and the others see it. An urgent message to Dr. Alt goes to Dr. Berg at
// once (a copy in the sender's direct conversation with him, and a line in both conversations);
// a normal message does not. A cover role nobody holds goes to its backup role; a cover that cannot
// be reached (a role nobody holds without a backup, no relay to make the direct conversation with)
// is named to the sender as nobody reached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

type Who = 'admin' | 'alt' | 'berg';
const WHO: readonly Who[] = ['admin', 'alt', 'berg'];

describe('availability with a cover', () => {
  let relay: ClinicRelay;
  const c = {} as Record<Who, CoreClient>;
  const ids = {} as Record<Who, string>;

  beforeAll(async () => {
    relay = await startClinicRelay({ verbose: !!process.env.KF_DEBUG });
    c.admin = await startCoreClient();
    await c.admin.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: 'Sonnenblume-Station-3',
    });
    ids.admin = (await c.admin.value('session.me', {})).userId;
    for (const [who, displayName] of [
      ['alt', 'Dr. Alt'],
      ['berg', 'Dr. Berg'],
    ] as const) {
      const { userId } = await c.admin.value('admin.addUser', { displayName, role: 'member', ward: 'Innere' });
      ids[who] = userId;
      const letter = await c.admin.value('admin.createRegistrationKey', { userId });
      c[who] = await startCoreClient();
      await c[who].value('org.join', {
        registrationKey: letter.registrationKey,
        relayUrl: relay.url,
        passphrase: 'Kaffeepause-Nachtdienst',
      });
    }
    for (const who of ['alt', 'berg'] as const)
      await eventually(
        () => c[who].core.sessions.visible().client.inDirectory(),
        30_000,
        `${who} in the directory channel`,
      );
  }, 150_000);
  afterAll(async () => {
    for (const client of Object.values(c)) await client?.close();
    await relay?.relay.dispose();
  });

  const bodiesWith = async (who: Who, other: Who) => {
    const channels = await c[who].value('channels.list', {});
    const runtime = c[who].core.sessions.visible();
    const direct = channels.find(
      (ch) =>
        ch.kind === 'direct' &&
        runtime.client.directory.rosters.get(ch.channelId)?.current.members.some((m) => m.userId === ids[other]),
    );
    if (!direct) return null;
    const page = await c[who].value('messages.page', { channelId: direct.channelId, limit: 50 });
    return { channelId: direct.channelId, messages: page.messages };
  };

  it('is off by default: nothing is shown and setting a status is refused', async () => {
    expect(await c.alt.value('availability.list', {})).toEqual({ enabled: false, statuses: [], peers: [] });
    const refused = await c.alt.call('availability.set', { state: 'on_duty' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('switched on by the organisation, a status set on one workstation shows on the others', async () => {
    const { org } = await c.admin.value('org.settings', {});
    await c.admin.value('admin.setOrgSettings', { ...org, availability: true });
    for (const who of WHO)
      await eventually(
        async () => (await c[who].value('availability.list', {})).enabled,
        30_000,
        `availability on at ${who}`,
      );
    // A cover must be another colleague.
    expect(
      await c.alt.call('availability.set', { state: 'dnd', cover: { kind: 'user', userId: ids.alt } }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await c.alt.value('availability.set', { state: 'dnd', cover: { kind: 'user', userId: ids.berg } });
    for (const who of WHO)
      await eventually(
        async () => {
          const { statuses } = await c[who].value('availability.list', {});
          const alt = statuses.find((s) => s.userId === ids.alt);
          return alt?.state === 'dnd' && alt.cover?.name === 'Dr. Berg';
        },
        30_000,
        `Dr. Alt "nicht stören" at ${who}`,
      );
  });

  it('an urgent message to Dr. Alt goes to Dr. Berg at once; a normal one does not', async () => {
    const { channelId } = await c.admin.value('channels.create', {
      kind: 'direct',
      name: 'Dr. Alt',
      topic: '',
      memberUserIds: [ids.alt],
      historyForNewMembers: false,
      discoverable: false,
    });
    const normal = await c.admin.value('messages.send', { channelId, body: 'Kaffee um drei?' });
    expect(normal.forwarded).toEqual([]);
    const urgent = await c.admin.value('messages.send', {
      channelId,
      body: 'Zimmer 12: Blutdruck 190/110',
      urgent: true,
    });
    expect(urgent.forwarded).toEqual([
      { absentUserId: ids.alt, absentName: 'Dr. Alt', coverNames: ['Dr. Berg'], coverRoleName: null },
    ]);

    // Dr. Berg gets it as an urgent message from the sender, with the line saying why.
    let copy: Awaited<ReturnType<typeof bodiesWith>> = null;
    await eventually(
      async () => {
        copy = await bodiesWith('berg', 'admin');
        return copy?.messages.some((m) => m.body === 'Zimmer 12: Blutdruck 190/110') === true;
      },
      30_000,
      'the copy at Dr. Berg',
    );
    const reached = copy!;
    // Only the urgent one: the normal message, sent first, never went to the cover.
    expect(reached.messages.map((m) => ({ body: m.body, urgent: m.urgent }))).toEqual([
      { body: 'Zimmer 12: Blutdruck 190/110', urgent: true },
    ]);
    await eventually(
      async () => (await c.berg.value('availability.forwards', { channelId: reached.channelId })).length === 1,
      30_000,
      'the line under the copy at Dr. Berg',
    );
    expect(await c.berg.value('availability.forwards', { channelId: reached.channelId })).toEqual([
      {
        messageId: reached.messages[0]!.messageId,
        absentUserId: ids.alt,
        absentName: 'Dr. Alt',
        coverNames: ['Dr. Berg'],
        coverRoleName: null,
      },
    ]);
    // Dr. Alt's own conversation says the same under the original message.
    await eventually(
      async () =>
        (await c.alt.value('availability.forwards', { channelId })).some((f) => f.messageId === urgent.messageId),
      30_000,
      'the line under the message at Dr. Alt',
    );
    // Dr. Berg can acknowledge it like any urgent message.
    await c.berg.value('messages.ack', { channelId: reached.channelId, messageId: reached.messages[0]!.messageId });
  });

  it('a cover that is a function role goes to whoever holds it at that moment', async () => {
    const { roleId } = await c.admin.value('roles.define', {
      name: 'Dienstarzt Innere',
      department: 'Innere',
      eligible: { userIds: [], departments: ['Innere'] },
      backupRoleId: null,
    });
    await eventually(
      async () => (await c.berg.value('roles.list', {})).roles.some((r) => r.roleId === roleId),
      30_000,
      'the role at Dr. Berg',
    );
    await c.berg.value('roles.take', { roleId });
    await eventually(
      async () =>
        (await c.alt.value('roles.list', {})).roles.find((r) => r.roleId === roleId)?.holders[0]?.userId === ids.berg,
      30_000,
      'Dr. Berg on duty at Dr. Alt',
    );
    await c.alt.value('availability.set', { state: 'dnd', cover: { kind: 'role', roleId } });
    await eventually(
      async () =>
        (await c.admin.value('availability.list', {})).statuses.find((s) => s.userId === ids.alt)?.cover?.name ===
        'Dienstarzt Innere',
      30_000,
      'the role as cover at the admin',
    );
    await eventually(
      async () => {
        const roles = await c.admin.value('roles.list', {});
        return roles.roles.find((r) => r.roleId === roleId)?.holders[0]?.userId === ids.berg;
      },
      30_000,
      'Dr. Berg on duty at the admin',
    );
    const direct = (await bodiesWith('admin', 'alt'))!;
    const sent = await c.admin.value('messages.send', {
      channelId: direct.channelId,
      body: 'Zimmer 7: Sturz',
      urgent: true,
    });
    expect(sent.forwarded).toEqual([
      { absentUserId: ids.alt, absentName: 'Dr. Alt', coverNames: ['Dr. Berg'], coverRoleName: 'Dienstarzt Innere' },
    ]);
    await eventually(
      async () => (await bodiesWith('berg', 'admin'))?.messages.some((m) => m.body === 'Zimmer 7: Sturz') === true,
      30_000,
      'the copy at the role holder',
    );
  });

  it('a cover role nobody holds reaches nobody, and the sender is told so at once', async () => {
    const { roleId } = await c.admin.value('roles.define', {
      name: 'Rufbereitschaft Nacht',
      department: 'Innere',
      eligible: { userIds: [], departments: ['Innere'] },
      backupRoleId: null,
    });
    await eventually(
      async () => (await c.alt.value('roles.list', {})).roles.some((r) => r.roleId === roleId),
      30_000,
      'the role at Dr. Alt',
    );
    await c.alt.value('availability.set', { state: 'dnd', cover: { kind: 'role', roleId } });
    await eventually(
      async () =>
        (await c.admin.value('availability.list', {})).statuses.find((s) => s.userId === ids.alt)?.cover?.name ===
        'Rufbereitschaft Nacht',
      30_000,
      'the unheld role as cover at the admin',
    );
    const direct = (await bodiesWith('admin', 'alt'))!;
    const sent = await c.admin.value('messages.send', {
      channelId: direct.channelId,
      body: 'Zimmer 9: Fieber 40,1',
      urgent: true,
    });
    expect(sent.forwarded).toEqual([
      { absentUserId: ids.alt, absentName: 'Dr. Alt', coverNames: [], coverRoleName: 'Rufbereitschaft Nacht' },
    ]);
    // No line: a line names at least one colleague who got the message.
    expect(
      (await c.admin.value('availability.forwards', { channelId: direct.channelId })).some(
        (f) => f.messageId === sent.messageId,
      ),
    ).toBe(false);
  });

  it('a cover role nobody holds hands the message to its backup role', async () => {
    const dienst = (await c.admin.value('roles.list', {})).roles.find((r) => r.name === 'Dienstarzt Innere')!;
    const { roleId } = await c.admin.value('roles.define', {
      name: 'Stationsarzt Nacht',
      department: 'Innere',
      eligible: { userIds: [], departments: ['Innere'] },
      backupRoleId: dienst.roleId,
    });
    await eventually(
      async () => (await c.alt.value('roles.list', {})).roles.some((r) => r.roleId === roleId),
      30_000,
      'the role at Dr. Alt',
    );
    await c.alt.value('availability.set', { state: 'dnd', cover: { kind: 'role', roleId } });
    await eventually(
      async () =>
        (await c.admin.value('availability.list', {})).statuses.find((s) => s.userId === ids.alt)?.cover?.name ===
        'Stationsarzt Nacht',
      30_000,
      'the unheld role with a backup as cover at the admin',
    );
    const direct = (await bodiesWith('admin', 'alt'))!;
    const sent = await c.admin.value('messages.send', {
      channelId: direct.channelId,
      body: 'Zimmer 11: Zugang gezogen',
      urgent: true,
    });
    expect(sent.forwarded).toEqual([
      { absentUserId: ids.alt, absentName: 'Dr. Alt', coverNames: ['Dr. Berg'], coverRoleName: 'Dienstarzt Innere' },
    ]);
    await eventually(
      async () =>
        (await bodiesWith('berg', 'admin'))?.messages.some((m) => m.body === 'Zimmer 11: Zugang gezogen') === true,
      30_000,
      'the copy at the backup role holder',
    );
  });

  it('a cover with no direct conversation yet, while the relay is unreachable: the sender is told nobody got it', async () => {
    const { userId: cem } = await c.admin.value('admin.addUser', {
      displayName: 'Dr. Cem',
      role: 'member',
      ward: 'Innere',
    });
    await eventually(
      async () => (await c.alt.value('directory.users', {})).some((u) => u.userId === cem),
      30_000,
      'Dr. Cem in the directory at Dr. Alt',
    );
    await c.alt.value('availability.set', { state: 'dnd', cover: { kind: 'user', userId: cem } });
    await eventually(
      async () =>
        (await c.admin.value('availability.list', {})).statuses.find((s) => s.userId === ids.alt)?.cover?.name ===
        'Dr. Cem',
      30_000,
      'Dr. Cem as cover at the admin',
    );
    const direct = (await bodiesWith('admin', 'alt'))!;
    await relay.relay.stop();
    try {
      await eventually(
        async () => (await c.admin.value('connection.status', {})).state !== 'online',
        30_000,
        'the admin offline',
      );
      const sent = await c.admin.value('messages.send', {
        channelId: direct.channelId,
        body: 'Zimmer 5: Schmerzen',
        urgent: true,
      });
      expect(sent.forwarded).toEqual([
        { absentUserId: ids.alt, absentName: 'Dr. Alt', coverNames: [], coverRoleName: null },
      ]);
    } finally {
      await relay.relay.restart();
    }
    for (const who of WHO)
      await eventually(
        async () => (await c[who].value('connection.status', {})).state === 'online',
        60_000,
        `${who} online again`,
      );
  }, 180_000);

  it('with availability switched off again, nothing shows and nothing is forwarded', async () => {
    const { org } = await c.admin.value('org.settings', {});
    await c.admin.value('admin.setOrgSettings', { ...org, availability: false });
    for (const who of WHO)
      await eventually(
        async () => !(await c[who].value('availability.list', {})).enabled,
        30_000,
        `availability off at ${who}`,
      );
    expect((await c.admin.value('availability.list', {})).statuses).toEqual([]);
    const direct = await bodiesWith('admin', 'alt');
    const sent = await c.admin.value('messages.send', {
      channelId: direct!.channelId,
      body: 'Zimmer 14 bitte',
      urgent: true,
    });
    expect(sent.forwarded).toEqual([]);
  });
});
