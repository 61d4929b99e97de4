// Function roles on three workstations through the core and the real relay: only an admin defines
// a role; a duty roster hands it on at the scheduled minute on every workstation whose clock has
// passed it (nobody online needed); a manual takeover overrides it until the next handover; a user
// who may not hold it is refused at once, and an event sent around that check is refused by every
// client's fold with the same reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { JumpClock } from '../../harness/jump-clock.ts';
import { eventually } from '../client/client-world.ts';
import { roleRepository } from '../../../apps/desktop/electron/core/features/roles/repository.ts';
import { roleService } from '../../../apps/desktop/electron/core/features/roles/service.ts';

type Who = 'admin' | 'nurse' | 'carl';
const MINUTE = 60_000;

/** Europe/Berlin wall-clock of an instant, as the roster software writes it (CSV). */
const berlin = (utc: number) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', dateStyle: 'short', timeStyle: 'short' }).format(utc);

describe('function roles through the core', () => {
  let relay: ClinicRelay;
  const clocks = { admin: new JumpClock(), nurse: new JumpClock(), carl: new JumpClock() };
  const c = {} as Record<Who, CoreClient>;
  const ids = {} as Record<Who, string>;
  let roleId = '';

  beforeAll(async () => {
    relay = await startClinicRelay({ verbose: !!process.env.KF_DEBUG });
    c.admin = await startCoreClient({ clock: clocks.admin });
    await c.admin.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: 'Sonnenblume-Station-3',
    });
    ids.admin = (await c.admin.value('session.me', {})).userId;
    for (const [who, displayName, ward] of [
      ['nurse', 'Nora Innere', 'Innere'],
      ['carl', 'Carl Chirurgie', 'Chirurgie'],
    ] as const) {
      const { userId } = await c.admin.value('admin.addUser', { displayName, role: 'member', ward });
      ids[who] = userId;
      const letter = await c.admin.value('admin.createRegistrationKey', { userId });
      c[who] = await startCoreClient({ clock: clocks[who] });
      await c[who].value('org.join', {
        registrationKey: letter.registrationKey,
        relayUrl: relay.url,
        passphrase: 'Kaffeepause-Nachtdienst',
      });
    }
    // Every user in the directory channel (the admin device adds them), so roles reach them.
    for (const who of ['nurse', 'carl'] as const)
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

  const list = async (who: Who) => (await c[who].value('roles.list', {})).roles;
  const role = async (who: Who) => (await list(who)).find((r) => r.roleId === roleId);
  const holders = async (who: Who) => (await role(who))?.holders.map((h) => h.displayName) ?? null;
  const everywhere = async (label: string, expected: string[]) => {
    for (const who of ['admin', 'nurse', 'carl'] as const)
      await eventually(
        async () => JSON.stringify(await holders(who)) === JSON.stringify(expected),
        20_000,
        `${label} at ${who}`,
      );
  };

  it('an ordinary member cannot define a role; an admin can, and every workstation lists it', async () => {
    const input = {
      name: 'Dienstarzt Innere',
      department: 'Innere',
      eligible: { userIds: [ids.admin], departments: ['Innere'] },
      backupRoleId: null,
    };
    expect(await c.nurse.call('roles.define', input)).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    expect((await c.nurse.value('roles.list', {})).mayDefine).toBe(false);
    ({ roleId } = await c.admin.value('roles.define', input));
    await everywhere('the new role', []);
    expect(await role('carl')).toMatchObject({
      name: 'Dienstarzt Innere',
      department: 'Innere',
      source: 'none',
      since: null,
      mayAdminister: false,
    });
    expect((await role('admin'))?.mayAdminister).toBe(true);
  }, 60_000);

  it('a user not allowed to hold it is refused at once, and by every client when the check is bypassed', async () => {
    expect((await role('carl'))?.takeRefusal).toBe('not_eligible');
    expect((await role('nurse'))?.takeRefusal).toBeNull();
    expect(await c.carl.call('roles.take', { roleId })).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    // Around the service: Carl's device sends the event itself (a modified client would).
    const carl = c.carl.core.sessions.visible();
    const eventId = await carl.client.send(carl.client.directoryChannelId, {
      type: 'role.hold',
      roleId,
      userId: ids.carl,
    });
    for (const who of ['admin', 'nurse', 'carl'] as const) {
      const runtime = c[who].core.sessions.visible();
      await eventually(
        () =>
          runtime.profile.store
            .repository(roleRepository)
            .ops()
            .some((op) => op.eventId === eventId && op.seq !== null),
        20_000,
        `Carl's event at ${who}`,
      );
      expect(roleService(runtime, clocks[who]).fold().refused.get(eventId)).toBe('not_eligible');
      expect(await holders(who)).toEqual([]);
    }
  }, 60_000);

  it('a department admin defines roles in the departments of the delegation only, on every client', async () => {
    const carl = c.carl.core.sessions.visible();
    await c.admin.value('admin.createDelegation', {
      label: 'Bereichsadministration Chirurgie',
      holder: { kind: 'device', deviceId: carl.identity.deviceId },
      scope: { kind: 'departments', departments: ['Chirurgie'] },
      validDays: 30,
    });
    await eventually(async () => (await c.carl.value('roles.list', {})).mayDefine, 20_000, 'delegation at Carl');
    expect((await c.carl.value('roles.list', {})).departments).toEqual(['Chirurgie']);
    const role = (department: string) => ({
      name: `Rufbereitschaft ${department}`,
      department,
      eligible: { userIds: [], departments: [department] },
      backupRoleId: null,
    });
    expect(await c.carl.call('roles.define', role('Innere'))).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    const { roleId: surgery } = await c.carl.value('roles.define', role('Chirurgie'));
    // Around the check: every client's fold refuses a role of another department.
    const eventId = await carl.client.send(carl.client.directoryChannelId, {
      type: 'role.define',
      roleId: 'role-forged-innere',
      retired: false,
      ...role('Innere'),
    });
    for (const who of ['admin', 'nurse', 'carl'] as const) {
      await eventually(
        async () => (await list(who)).some((r) => r.roleId === surgery),
        20_000,
        `surgery role at ${who}`,
      );
      const runtime = c[who].core.sessions.visible();
      await eventually(
        () =>
          runtime.profile.store
            .repository(roleRepository)
            .ops()
            .some((op) => op.eventId === eventId && op.seq !== null),
        20_000,
        `forged role at ${who}`,
      );
      expect(roleService(runtime, clocks[who]).fold().refused.get(eventId)).toBe('not_role_admin');
      expect((await list(who)).some((r) => r.roleId === 'role-forged-innere')).toBe(false);
    }
  }, 60_000);

  it('a roster hands the role on at its minute on every workstation, with a jumping clock, also after a manual takeover', async () => {
    const handover = Math.ceil((clocks.admin.now() + 10 * MINUTE) / MINUTE) * MINUTE;
    const rows = [
      `Nora Innere;${berlin(handover - 60 * MINUTE)};${berlin(handover)}`,
      `${ids.admin};${berlin(handover)};${berlin(handover + 120 * MINUTE)}`,
    ];
    const request = { roleId, format: 'csv' as const, fileName: 'dienstplan.csv' };
    const withCarl = {
      ...request,
      text: ['Person;Beginn;Ende', ...rows, `Carl Chirurgie;${berlin(handover)};${berlin(handover + MINUTE)}`].join(
        '\n',
      ),
    };
    const preview = await c.admin.value('roles.previewRoster', withCarl);
    expect(preview.rows.map((r) => r.error)).toEqual([null, null, 'not_eligible']);
    expect(await c.admin.call('roles.importRoster', withCarl)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(
      await c.nurse.call('roles.importRoster', { ...request, text: ['Person;Beginn;Ende', ...rows].join('\n') }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    await c.admin.value('roles.importRoster', { ...request, text: ['Person;Beginn;Ende', ...rows].join('\n') });
    await everywhere('the scheduled holder', ['Nora Innere']);
    expect(await role('carl')).toMatchObject({
      source: 'schedule',
      since: handover - 60 * MINUTE,
      nextHandover: handover,
    });

    // Before the handover, by hand: handing on needs someone allowed, giving up the holder.
    expect(await c.nurse.call('roles.handOver', { roleId, userId: ids.carl })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    expect(await c.carl.call('roles.handOver', { roleId, userId: null })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    await c.nurse.value('roles.handOver', { roleId, userId: null });
    await everywhere('nobody after giving it up', []);
    await c.admin.value('roles.take', { roleId });
    await everywhere('the admin by takeover', ['Anna Admin']);
    await c.nurse.value('roles.take', { roleId });
    await everywhere('the nurse by takeover', ['Nora Innere']);
    const views = await Promise.all((['admin', 'nurse', 'carl'] as const).map((who) => role(who)));
    expect(new Set(views.map((v) => JSON.stringify([v?.since, v?.source, v?.nextHandover]))).size).toBe(1);
    expect(views[0]).toMatchObject({ source: 'manual', nextHandover: handover });

    // Nobody sends anything at the handover: each workstation's clock passing it is enough, and
    // the takeover ends there.
    for (const clock of Object.values(clocks)) clock.jump(11 * MINUTE);
    await everywhere('the next holder', ['Anna Admin']);
    for (const who of ['admin', 'nurse', 'carl'] as const)
      expect(await role(who)).toMatchObject({ source: 'schedule', since: handover, heldByMe: who === 'admin' });
    for (const clock of Object.values(clocks)) clock.jump(120 * MINUTE);
    await everywhere('nobody after the roster ends', []);
    expect((await role('nurse'))?.source).toBe('none');
  }, 90_000);

  it('a holder who is deactivated holds the role no more on any other workstation', async () => {
    // A role without a roster: the takeover would be in force for good.
    ({ roleId } = await c.admin.value('roles.define', {
      name: 'Stationstelefon Innere',
      department: 'Innere',
      eligible: { userIds: [], departments: ['Innere'] },
      backupRoleId: null,
    }));
    await everywhere('the new role', []);
    await c.nurse.value('roles.take', { roleId });
    await everywhere('the nurse by takeover', ['Nora Innere']);
    await c.admin.value('admin.updateUser', { userId: ids.nurse, active: false });
    for (const who of ['admin', 'carl'] as const)
      await eventually(
        async () => JSON.stringify(await holders(who)) === '[]',
        20_000,
        `nobody after the deactivation at ${who}`,
      );
    expect(await role('carl')).toMatchObject({ source: 'none', since: null });
  }, 60_000);
});
