// Planning follows the signed roles at each step's deadline (a roster handover in between counts,
// an unheld role falls to its backup); sealing hands the relay only the token's hash; opening
// refuses items from unknown devices, notices from other users and content that is not an escalation.
import { describe, expect, it } from 'vitest';
import { escalationPolicy, MAX_ESCALATION_BODY } from '@klinikfunk/protocol/domain/escalation.ts';
import { generateDeviceKeys } from '@klinikfunk/crypto/keys.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { planEscalation, type RoleAt } from '../../../../apps/desktop/electron/core/features/escalation/plan.ts';
import {
  escalationTokenHash,
  sealEscalation,
  stepBody,
} from '../../../../apps/desktop/electron/core/features/escalation/seal.ts';
import { openEscalationItem } from '../../../../apps/desktop/electron/core/features/escalation/open.ts';
import { sealDirect } from '../../../../apps/desktop/electron/core/crypto/direct.ts';

const MIN = 60_000;
const T0 = 1_800_000_000_000;
// Keys are made while the suites are collected.
await readySodium();

const device = (userId: string, deviceId: string) => ({ userId, deviceId, keys: generateDeviceKeys() });

describe('escalation plan', () => {
  const roles: Record<string, (t: number) => RoleAt> = {
    roleoncall: () => ({ name: 'Rufdienst', retired: false, backupRoleId: 'rolebackup', holderUserIds: [] }),
    rolebackup: (t) => ({
      name: 'Hintergrund',
      retired: false,
      backupRoleId: null,
      // Roster handover at T0 + 7 min: the deadline decides, not the moment of sending.
      holderUserIds: [t < T0 + 7 * MIN ? 'usrearly01' : 'usrlate001'],
    }),
    roleretired: () => ({ name: 'Alt', retired: true, backupRoleId: null, holderUserIds: ['usrearly01'] }),
    roleloop1: () => ({ name: 'Schleife', retired: false, backupRoleId: 'roleloop2', holderUserIds: [] }),
    roleloop2: () => ({ name: 'Schleife 2', retired: false, backupRoleId: 'roleloop1', holderUserIds: [] }),
  };
  const plan = (chain: string[], escalateMinutes = 5) =>
    planEscalation({
      policy: escalationPolicy.parse({ reAlertMinutes: 1, escalateMinutes, chain }),
      roleAt: (id, t) => roles[id]?.(t) ?? null,
      sentAt: T0,
      devicesOf: (userId) => [{ userId, deviceId: `dev${userId}`, boxPublicKey: new Uint8Array(32) }],
    });

  it('names the holders at each deadline, through backup roles, and reports roles with nobody', () => {
    expect(plan(['roleoncall', 'rolebackup']).steps.map((s) => [s.step, s.delayMs, s.roleName, s.userIds])).toEqual([
      [1, 5 * MIN, 'Hintergrund', ['usrearly01']],
      [2, 10 * MIN, 'Hintergrund', ['usrlate001']],
    ]);
    expect(plan(['roleretired', 'roleloop1', 'rolenosuch']).unreachable.map((u) => u.roleId)).toEqual([
      'roleretired',
      'roleloop1',
      'rolenosuch',
    ]);
  });

  it('refuses a policy that escalates before it re-alerts or names a role twice', () => {
    expect(escalationPolicy.safeParse({ reAlertMinutes: 10, escalateMinutes: 5, chain: [] }).success).toBe(false);
    expect(
      escalationPolicy.safeParse({ reAlertMinutes: 1, escalateMinutes: 5, chain: ['rolebackup', 'rolebackup'] })
        .success,
    ).toBe(false);
    expect(
      escalationPolicy.safeParse({ reAlertMinutes: 1, escalateMinutes: 5, chain: ['a', 'b', 'c', 'd', 'e'] }).success,
    ).toBe(false);
  });
});

describe('sealing and opening escalation items', () => {
  const orgIdRaw = new Uint8Array(32).fill(7);
  const sender = device('usrsender1', 'devsender1');
  const other = device('usrsender1', 'devsender2');
  const backup = device('usrbackup1', 'devbackup1');
  const stranger = device('usrstrang1', 'devstrang1');
  const known = [sender, other, backup];
  const reader = (d: ReturnType<typeof device>) => ({
    deviceId: d.deviceId,
    userId: d.userId,
    boxKey: d.keys.box.secretKey,
    deviceKeys: (id: string) => {
      const k = known.find((x) => x.deviceId === id);
      return k
        ? { userId: k.userId, signingPublicKey: k.keys.signing.publicKey, boxPublicKey: k.keys.box.publicKey }
        : null;
    },
  });
  const keys = (d: ReturnType<typeof device>) => ({
    userId: d.userId,
    deviceId: d.deviceId,
    boxPublicKey: d.keys.box.publicKey,
  });
  const seal = (from = sender, body = 'Reanimation Zimmer 4') =>
    sealEscalation(
      {
        steps: [
          {
            step: 1,
            delayMs: 5 * MIN,
            roleId: 'rolebackup',
            roleName: 'Hintergrund',
            userIds: [backup.userId],
            devices: [keys(backup)],
          },
        ],
        unreachable: [],
      },
      {
        channelId: 'chanurgent',
        messageId: 'msgurgent1',
        senderUserId: from.userId,
        fromName: 'Dienstarzt Innere',
        body,
        sentAt: T0,
      },
      {
        deviceId: from.deviceId,
        orgIdRaw,
        signingKey: from.keys.signing.secretKey,
        boxKey: from.keys.box.secretKey,
        ownDevices: [keys(sender), keys(other)],
      },
    )!;

  it('gives the relay the hash of the token, the recipients the token, the own devices a notice', () => {
    const { sealed, token } = seal();
    expect([...sealed.tokenHash]).toEqual([...escalationTokenHash(token)]);
    const text = new TextDecoder().decode(sealed.steps[0]!.items[0]!.payload);
    expect(text).not.toContain('Reanimation');
    const items = sealed.steps[0]!.items;
    expect(items.map((i) => i.toDeviceId)).toEqual([backup.deviceId, sender.deviceId, other.deviceId]);
    const step = openEscalationItem({ payload: items[0]!.payload, storedAt: T0 + 5 * MIN }, reader(backup));
    expect(step).toMatchObject({
      ok: true,
      opened: { content: { type: 'escalation.step', body: 'Reanimation Zimmer 4' } },
    });
    expect(step.ok && [...step.opened.token!]).toEqual([...token]);
    const notice = openEscalationItem({ payload: items[2]!.payload, storedAt: T0 + 5 * MIN }, reader(other));
    expect(notice).toMatchObject({
      ok: true,
      opened: {
        content: { type: 'escalation.notice', roleName: 'Hintergrund' },
        token: null,
        releasedAt: T0 + 5 * MIN,
      },
    });
    // Two escalations never share a token.
    expect([...seal().token]).not.toEqual([...token]);
  });

  it('refuses an item from a device the directory does not know, for another device, or a notice from someone else', () => {
    const forged = seal(stranger);
    expect(
      openEscalationItem({ payload: forged.sealed.steps[0]!.items[0]!.payload, storedAt: 0 }, reader(backup)),
    ).toEqual({
      ok: false,
      reason: 'unknown_sender',
    });
    const { sealed } = seal();
    expect(openEscalationItem({ payload: sealed.steps[0]!.items[0]!.payload, storedAt: 0 }, reader(other))).toEqual({
      ok: false,
      reason: 'bad_envelope',
    });
    // A backup device "notice" to the sender's devices: only the sender's own devices send those.
    const fake = sealDirect(
      {
        orgIdRaw,
        senderDeviceId: backup.deviceId,
        recipientDeviceId: sender.deviceId,
        contentType: 'escalation',
        sentAt: T0,
      },
      new TextEncoder().encode(
        JSON.stringify({
          type: 'escalation.notice',
          escalationId: 'escid0001',
          step: 1,
          roleId: 'rolebackup',
          roleName: 'x',
          channelId: 'chanurgent',
          messageId: 'msgurgent1',
        }),
      ),
      { signingKey: backup.keys.signing.secretKey, boxKey: backup.keys.box.secretKey },
      sender.keys.box.publicKey,
    );
    expect(openEscalationItem({ payload: fake, storedAt: 0 }, reader(sender))).toEqual({
      ok: false,
      reason: 'not_own',
    });
    const junk = sealDirect(
      {
        orgIdRaw,
        senderDeviceId: backup.deviceId,
        recipientDeviceId: sender.deviceId,
        contentType: 'escalation',
        sentAt: T0,
      },
      new TextEncoder().encode('{"type":"escalation.step"}'),
      { signingKey: backup.keys.signing.secretKey, boxKey: backup.keys.box.secretKey },
      sender.keys.box.publicKey,
    );
    expect(openEscalationItem({ payload: junk, storedAt: 0 }, reader(sender))).toEqual({
      ok: false,
      reason: 'bad_content',
    });
  });

  it('cuts a long message to what a mailbox item holds', () => {
    const long = 'ä'.repeat(MAX_ESCALATION_BODY + 10);
    expect([...stepBody(long)]).toHaveLength(MAX_ESCALATION_BODY);
    const { sealed } = seal(sender, '🚑'.repeat(MAX_ESCALATION_BODY + 5));
    expect(sealed.steps[0]!.items[0]!.payload.length).toBeLessThanOrEqual(64 * 1024);
  });
});
