// An urgent message nobody acknowledges escalates along its role chain while the sender's
// workstation is off (issue 20 item 4): the sender's device plans the chain from the signed role
// events (holder at each deadline, backup role when nobody holds one), seals the steps, hands them
// to the real relay and stops; the relay's clock jumps; the backup role's devices and then the
// supervisor's receive the message and its token; the sender, back, sees each step with the
// relay's release time. A token shown before a deadline stops what is left for everyone; a forged
// or another escalation's token does not.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RolePayload } from '@klinikfunk/protocol/domain/role-events.ts';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { escalationPolicy } from '@klinikfunk/protocol/domain/escalation.ts';
import {
  foldRoles,
  type RoleAuthority,
  type RoleOp,
} from '../../../apps/desktop/electron/core/features/roles/resolve.ts';
import { roleAtFrom } from '../../../apps/desktop/electron/core/features/roles/escalation-roles.ts';
import { planEscalation, type RecipientDevice } from '../../../apps/desktop/electron/core/features/escalation/plan.ts';
import { sealEscalation } from '../../../apps/desktop/electron/core/features/escalation/seal.ts';
import {
  openEscalationItem,
  type OpenedEscalation,
} from '../../../apps/desktop/electron/core/features/escalation/open.ts';
import {
  foldEscalation,
  initialEscalation,
  phaseOf,
} from '../../../apps/desktop/electron/core/features/escalation/state.ts';
import type { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import {
  deviceTransport,
  startTestRelay,
  TestOrg,
  testId,
  type TestDevice,
  type TestRelay,
} from '../../harness/relay.ts';

const MIN = 60_000;
const authority: RoleAuthority = {
  isOrgAdmin: () => true,
  delegatedDepartments: () => 'all',
  departmentOf: () => 'Innere',
};

interface Clinic {
  org: TestOrg;
  sender: TestDevice;
  holder: TestDevice;
  /** The backup role nobody holds; its own backup ("Hintergrund Innere") has two devices of one person. */
  backup: [TestDevice, TestDevice];
  supervisor: TestDevice;
}

function clinic(org: TestOrg): Clinic {
  const user = (name: string) => org.addUser(name);
  const backupUser = user('Dr. Hintergrund');
  return {
    org,
    sender: org.addDevice(user('Pflege 3 Nord')),
    holder: org.addDevice(user('Dienstarzt')),
    backup: [org.addDevice(backupUser), org.addDevice(backupUser)],
    supervisor: org.addDevice(user('Dr. Oberarzt')),
  };
}

/** Role events as the directory channel would log them; the sender's device folds them. */
function roleOps(c: Clinic, sentAt: number): RoleOp[] {
  let n = 0;
  const op = (payload: RolePayload): RoleOp => ({
    eventId: testId('evt'),
    seq: ++n,
    relayAt: sentAt - 3600_000 + n,
    createdAt: sentAt - 3600_000 + n,
    senderUserId: 'admin0001',
    senderDeviceId: 'admindev1',
    payload,
  });
  const define = (roleId: string, name: string, backupRoleId: string | null) =>
    op({
      type: 'role.define',
      roleId,
      name,
      department: 'Innere',
      eligible: { userIds: [], departments: ['Innere'] },
      backupRoleId,
      retired: false,
    });
  const schedule = (roleId: string, userId: string) =>
    op({
      type: 'role.schedule',
      roleId,
      from: sentAt - 3600_000,
      to: sentAt + 24 * 3600_000,
      entries: [{ userId, start: sentAt - 3600_000, end: sentAt + 24 * 3600_000 }],
      source: 'dienstplan.ics',
    });
  return [
    define('rolebackup', 'Rufdienst Innere', 'rolehintergrund'), // nobody on the roster: its backup stands in
    define('rolehintergrund', 'Hintergrund Innere', null),
    define('rolesupervisor', 'Oberarzt Innere', null),
    schedule('rolehintergrund', c.backup[0].userId),
    schedule('rolesupervisor', c.supervisor.userId),
  ];
}

const keysOf = (d: TestDevice): RecipientDevice => ({
  deviceId: d.deviceId,
  userId: d.userId,
  boxPublicKey: d.keys.box.publicKey,
});

describe('escalation of an unacknowledged urgent message along its role chain', () => {
  let offset = 0;
  const now = () => Date.now() + offset;
  let relay: TestRelay;
  let c: Clinic;
  const transports: RelayTransport[] = [];

  beforeEach(async () => {
    offset = 0;
    c = clinic(await TestOrg.create());
    relay = await startTestRelay({ org: c.org, now, escalationTickMs: 50 });
  });
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()));
    await relay.dispose();
  });

  const online = async (d: TestDevice): Promise<RelayTransport> => {
    const t = deviceTransport(relay.url, d);
    transports.push(t);
    await t.connect();
    return t;
  };
  const all = (): TestDevice[] => [c.sender, c.holder, ...c.backup, c.supervisor];
  const reader = (d: TestDevice) => ({
    deviceId: d.deviceId,
    userId: d.userId,
    boxKey: d.keys.box.secretKey,
    deviceKeys: (id: string) => {
      const found = all().find((x) => x.deviceId === id);
      return found
        ? {
            userId: found.userId,
            signingPublicKey: found.keys.signing.publicKey,
            boxPublicKey: found.keys.box.publicKey,
          }
        : null;
    },
  });
  /** Mail until `count` items arrived (pushed or fetched), opened as escalation items. */
  const received = async (t: RelayTransport, d: TestDevice, count: number): Promise<OpenedEscalation[]> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const mail = await t.fetchMail(100);
      if (mail.length >= count || Date.now() > deadline) {
        return mail.map((m) => {
          const opened = openEscalationItem(m, reader(d));
          if (!opened.ok) throw new Error(`refused: ${opened.reason}`);
          return opened.opened;
        });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  /** The sender's device: plans from the roles, seals, hands to the relay, then goes offline. */
  const sendUrgent = async (body: string) => {
    const sentAt = now();
    const policy = escalationPolicy.parse({
      reAlertMinutes: 2,
      escalateMinutes: 5,
      chain: ['rolebackup', 'rolesupervisor'],
    });
    const plan = planEscalation({
      policy,
      roleAt: roleAtFrom(foldRoles(roleOps(c, sentAt), authority), authority),
      sentAt,
      devicesOf: (userId) =>
        all()
          .filter((d) => d.userId === userId)
          .map(keysOf),
    });
    expect(plan.steps.map((s) => [s.step, s.roleName, s.devices.length])).toEqual([
      [1, 'Hintergrund Innere', 2],
      [2, 'Oberarzt Innere', 1],
    ]);
    const sealed = sealEscalation(
      plan,
      {
        channelId: 'chanurgent1',
        messageId: testId('msg'),
        senderUserId: c.sender.userId,
        fromName: 'Dienstarzt Innere',
        body,
        sentAt,
      },
      {
        deviceId: c.sender.deviceId,
        orgIdRaw: fromBase64Url(c.org.orgId)!,
        signingKey: c.sender.keys.signing.secretKey,
        boxKey: c.sender.keys.box.secretKey,
        ownDevices: [keysOf(c.sender)],
      },
    )!;
    const senderTransport = await online(c.sender);
    await senderTransport.putEscalation(sealed.sealed);
    await senderTransport.close();
    return { sealed, sentAt, plan };
  };

  it('reaches the backup role, then the supervisor, while the sender is stopped; the sender then sees both steps', async () => {
    const { sealed, plan } = await sendUrgent('Sturz Zimmer 12, Patient blutet am Kopf');
    const backupA = await online(c.backup[0]);
    const backupB = await online(c.backup[1]);
    const supervisor = await online(c.supervisor);

    offset += 5 * MIN;
    const [a] = await received(backupA, c.backup[0], 1);
    const [b] = await received(backupB, c.backup[1], 1);
    for (const got of [a!, b!]) {
      expect(got.content).toMatchObject({
        type: 'escalation.step',
        step: 1,
        roleName: 'Hintergrund Innere',
        body: 'Sturz Zimmer 12, Patient blutet am Kopf',
      });
      expect(toBase64Url(got.token!)).toBe(toBase64Url(sealed.token));
    }
    await relay.relay!.escalations.releaseNow();
    expect(await supervisor.fetchMail(10)).toEqual([]);

    offset += 5 * MIN;
    const [s] = await received(supervisor, c.supervisor, 1);
    expect(s!.content).toMatchObject({ type: 'escalation.step', step: 2, roleName: 'Oberarzt Innere' });

    // The sender's workstation starts again and reads its notices: timed by the relay.
    const back = await online(c.sender);
    const notices = await received(back, c.sender, 2);
    let state = foldEscalation(initialEscalation(), {
      kind: 'sent',
      at: 0,
      planned: plan.steps.map((p) => ({ step: p.step, roleName: p.roleName, delayMs: p.delayMs })),
    });
    for (const n of notices)
      state = foldEscalation(state, {
        kind: 'released',
        step: n.content.step,
        roleName: n.content.type === 'escalation.notice' ? n.content.roleName : '',
        at: n.releasedAt,
      });
    expect(phaseOf(state)).toBe('escalated');
    expect(notices.map((n) => n.releasedAt)).toEqual([a!.releasedAt, s!.releasedAt]);
    expect(state.released.map((r) => r.roleName)).toEqual(['Hintergrund Innere', 'Oberarzt Innere']);
  });

  it('stops on every device when the first backup device acknowledges; forged and replayed tokens did not', async () => {
    const first = await sendUrgent('Reanimation Zimmer 4');
    const second = await sendUrgent('Sturz Zimmer 9');
    const holder = await online(c.holder);
    const backupA = await online(c.backup[0]);
    const backupB = await online(c.backup[1]);
    const supervisor = await online(c.supervisor);

    // Before any deadline: the holder stops the first with its token (from the urgent message).
    await holder.ackEscalation(first.sealed.sealed.escalationId, first.sealed.token);
    // Somebody tries to silence the second: a made-up token, and the first's (used) token.
    await expect(holder.ackEscalation(second.sealed.sealed.escalationId, randomBytes(32))).rejects.toMatchObject({
      code: 'not_permitted',
    });
    await expect(holder.ackEscalation(second.sealed.sealed.escalationId, first.sealed.token)).rejects.toMatchObject({
      code: 'not_permitted',
    });

    offset += 5 * MIN;
    const stepOne = await received(backupA, c.backup[0], 1);
    expect(stepOne.map((o) => o.content.type === 'escalation.step' && o.content.body)).toEqual(['Sturz Zimmer 9']);
    // The backup acknowledges the second on one device: the supervisor step is dropped for all.
    await backupA.ackEscalation(second.sealed.sealed.escalationId, stepOne[0]!.token!);
    offset += 30 * MIN;
    await relay.relay!.escalations.releaseNow();
    expect(await supervisor.fetchMail(10)).toEqual([]);
    expect((await received(backupB, c.backup[1], 1)).map((o) => o.content.step)).toEqual([1]);
    expect(await relay.store!.escalations.pendingItems()).toBe(0);
  });
});
