// Templates and broadcast alerts through the core and the real relay, on five workstations: the
// admin's two devices, two nurses of Innere and a surgeon. A member cannot define a template; an
// alert to Innere reaches both nurses' devices and not the surgeon's; their acknowledgements fill
// the dashboard on both of the sender's devices; a member's alert sent around the service's check
// counts on no client; a role the organisation's settings name may send one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';
import { alertRepository } from '../../../apps/desktop/electron/core/features/alerts/repository.ts';
import { alertService } from '../../../apps/desktop/electron/core/features/alerts/service.ts';
import { alertRolePort } from '../../../apps/desktop/electron/core/features/roles/alert-roles.ts';
import { systemClock } from '../../../apps/desktop/electron/core/clock/clock.ts';

type Who = 'admin' | 'admin2' | 'nora' | 'bert' | 'carl';
const ALL: Who[] = ['admin', 'admin2', 'nora', 'bert', 'carl'];

describe('templates and broadcast alerts through the core', () => {
  let relay: ClinicRelay;
  const c = {} as Record<Who, CoreClient>;
  const ids = {} as Record<Who, string>;

  const join = async (who: Who, userId: string) => {
    const letter = await c.admin.value('admin.createRegistrationKey', { userId });
    c[who] = await startCoreClient();
    await c[who].value('org.join', {
      registrationKey: letter.registrationKey,
      relayUrl: relay.url,
      passphrase: 'Kaffeepause-Nachtdienst',
    });
  };

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
    ids.admin = ids.admin2 = (await c.admin.value('session.me', {})).userId;
    for (const [who, displayName, ward] of [
      ['nora', 'Nora Innere', 'Innere'],
      ['bert', 'Bert Innere', 'Innere'],
      ['carl', 'Carl Chirurgie', 'Chirurgie'],
    ] as const) {
      ids[who] = (await c.admin.value('admin.addUser', { displayName, role: 'member', ward })).userId;
      await join(who, ids[who]);
    }
    // The admin's second workstation.
    await join('admin2', ids.admin);
    for (const who of ALL)
      await eventually(
        () => c[who].core.sessions.visible().client.inDirectory(),
        30_000,
        `${who} in the directory channel`,
      );
  }, 180_000);
  afterAll(async () => {
    for (const client of Object.values(c)) await client?.close();
    await relay?.relay.dispose();
  });

  const alerts = (who: Who) => c[who].value('alerts.list', {});
  const alertNotices = (who: Who) => c[who].platform.notifier.shown.filter((n) => n.title.startsWith('Alarm'));

  it('a member cannot define a template; an admin can, and every workstation offers it with its fields', async () => {
    const input = {
      name: 'Reanimation',
      text: 'Reanimation – Zimmer {Zimmer}, Station {Station}',
      department: null,
      target: { kind: 'department' as const, department: 'Innere' },
    };
    expect(await c.nora.call('templates.define', input)).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    expect(await c.admin.call('templates.define', { ...input, text: 'Zimmer {Zimmer' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    const { templateId } = await c.admin.value('templates.define', input);
    for (const who of ALL)
      await eventually(
        async () => (await c[who].value('templates.list', {})).templates.some((t) => t.templateId === templateId),
        20_000,
        `template at ${who}`,
      );
    expect((await c.carl.value('templates.list', {})).templates[0]).toMatchObject({
      name: 'Reanimation',
      fields: ['Zimmer', 'Station'],
      targetName: 'Innere',
      mayAdminister: false,
      // A member may not alert a department: the dialog does not offer the template's own target.
      mayUseTarget: false,
    });
    expect((await c.admin.value('templates.list', {})).templates[0]?.mayUseTarget).toBe(true);
    expect((await c.carl.value('templates.list', {})).mayDefine).toBe(false);
  }, 60_000);

  it('an alert to Innere reaches both nurses, not the surgeon; acknowledgements fill the dashboard on both of the sender’s devices', async () => {
    expect((await alerts('nora')).maySend).toEqual({ everyone: false, departments: [] });
    expect((await alerts('admin')).maySend).toEqual({ everyone: true, departments: ['Chirurgie', 'Innere'] });
    const { alertId } = await c.admin.value('alerts.send', {
      text: 'Reanimation – Zimmer 12, Station 3 Nord',
      audience: { kind: 'department', department: 'Innere' },
    });
    for (const who of ['nora', 'bert'] as const)
      await eventually(
        async () => (await alerts(who)).received.some((a) => a.alertId === alertId && a.acknowledgedAt === null),
        20_000,
        `alert at ${who}`,
      );
    const dashboard = async (who: 'admin' | 'admin2') => (await alerts(who)).sent.find((a) => a.alertId === alertId);
    for (const who of ['admin', 'admin2'] as const)
      await eventually(
        async () => (await dashboard(who))?.pending.length === 2 && !(await dashboard(who))!.queued,
        20_000,
        `dashboard at ${who}`,
      );
    expect((await alerts('carl')).received).toEqual([]);
    expect(await c.carl.call('alerts.ack', { alertId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // An alert notifies its recipients like an urgent message (the content rule's default: the sender), nobody else.
    for (const who of ['nora', 'bert'] as const)
      await eventually(
        () => alertNotices(who).some((n) => n.title === 'Alarm von Anna Admin' && n.urgent),
        20_000,
        `alert notification at ${who}`,
      );
    expect(alertNotices('carl')).toEqual([]);

    await c.nora.value('alerts.ack', { alertId });
    for (const who of ['admin', 'admin2'] as const)
      await eventually(
        async () => (await dashboard(who))?.acknowledged.length === 1,
        20_000,
        `Nora's acknowledgement at ${who}`,
      );
    const half = (await dashboard('admin2'))!;
    expect(half.acknowledged.map((a) => a.person.displayName)).toEqual(['Nora Innere']);
    expect(half.pending.map((p) => p.displayName)).toEqual(['Bert Innere']);
    expect((await alerts('nora')).received.find((a) => a.alertId === alertId)?.acknowledgedAt).toBe(
      half.acknowledged[0]!.at,
    );

    await c.bert.value('alerts.ack', { alertId });
    for (const who of ['admin', 'admin2'] as const)
      await eventually(async () => (await dashboard(who))?.pending.length === 0, 20_000, `all acknowledged at ${who}`);
    expect((await dashboard('admin'))!.acknowledged.map((a) => a.person.displayName).sort()).toEqual([
      'Bert Innere',
      'Nora Innere',
    ]);
    // The change reached the renderer as the directory channel's event, not by asking again.
    const directory = c.admin.core.sessions.visible().client.directoryChannelId;
    expect(
      c.admin2.events.some(
        (e) => e.event === 'messages.changed' && (e.payload as { channelId: string }).channelId === directory,
      ),
    ).toBe(true);
  }, 90_000);

  it('a member’s alert sent around the check is refused on every client and shown nowhere', async () => {
    expect(await c.nora.call('alerts.send', { text: 'Falscher Alarm', audience: { kind: 'everyone' } })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    const nora = c.nora.core.sessions.visible();
    const eventId = await nora.client.send(nora.client.directoryChannelId, {
      type: 'alert.send',
      alertId: 'alert-forged-nora',
      text: 'Falscher Alarm',
      audience: { kind: 'everyone' },
      templateId: null,
    });
    for (const who of ALL) {
      const runtime = c[who].core.sessions.visible();
      await eventually(
        () =>
          runtime.profile.store
            .repository(alertRepository)
            .ops()
            .some((op) => op.eventId === eventId && op.seq !== null),
        20_000,
        `forged alert at ${who}`,
      );
      expect(alertService(runtime, systemClock, alertRolePort).fold().refused.get(eventId)).toBe('not_alert_sender');
      const list = await alerts(who);
      expect([...list.received, ...list.sent].some((a) => a.alertId === 'alert-forged-nora')).toBe(false);
    }
    // Nor does it notify anyone (checked after every client has it, so a notification would have shown).
    for (const who of ALL) expect(alertNotices(who).some((n) => n.title.endsWith('von Nora Innere'))).toBe(false);
  }, 60_000);

  it('the holder of a role the organisation’s settings name may alert everyone', async () => {
    const { roleId } = await c.admin.value('roles.define', {
      name: 'Oberarzt Innere',
      department: 'Innere',
      eligible: { userIds: [], departments: ['Innere'] },
      backupRoleId: null,
    });
    await eventually(
      async () => (await c.nora.value('roles.list', {})).roles.some((r) => r.roleId === roleId),
      20_000,
      'role at Nora',
    );
    await c.nora.value('roles.take', { roleId });
    const settings = (await c.admin.value('org.settings', {})).org;
    await c.admin.value('admin.setOrgSettings', { ...settings, alertSenderRoleIds: [roleId] });
    await eventually(async () => (await alerts('nora')).maySend.everyone, 20_000, 'Nora may alert');
    const { alertId } = await c.nora.value('alerts.send', { text: 'Sturz – Zimmer 4', audience: { kind: 'everyone' } });
    for (const who of ['admin', 'admin2', 'bert', 'carl'] as const)
      await eventually(
        async () => (await alerts(who)).received.some((a) => a.alertId === alertId),
        20_000,
        `Nora's alert at ${who}`,
      );
    expect(
      (await alerts('nora')).sent
        .find((a) => a.alertId === alertId)
        ?.pending.map((p) => p.displayName)
        .sort(),
    ).toEqual(['Anna Admin', 'Bert Innere', 'Carl Chirurgie']);
  }, 90_000);
});
