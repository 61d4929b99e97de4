// The directory's rule for wipe confirmations: only the order's target device signs one (its key
// counts although it is revoked or expired), only for an order already in the directory, once.
import { beforeAll, describe, expect, it } from 'vitest';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { TestOrg, testId, type TestDevice } from '../../harness/relay.ts';

const confirm = (org: TestOrg, device: TestDevice, orderId: string, signer: TestDevice = device, executedAt = 1_000) =>
  signRecord(
    'wipe_done',
    { orgId: org.orgId, orderId, deviceId: device.deviceId, executedAt },
    { kind: 'device', id: signer.deviceId },
    signer.keys.signing.secretKey,
  );

describe('wipe_done in the directory', () => {
  beforeAll(readySodium);

  it('accepts the revoked target device once and refuses every other signer or order', async () => {
    const org = await TestOrg.create();
    const user = org.addUser();
    const lost = org.addDevice(user);
    const other = org.addDevice(user);
    const order = org.wipeOrder(lost.deviceId);
    const otherOrder = org.wipeOrder(other.deviceId);
    org.revokeDevice(lost.deviceId);
    const dir = new Directory({ orgPublicKey: org.org.publicKey });
    for (const record of org.records) expect(dir.ingest(record).ok).toBe(true);

    expect(dir.ingest(confirm(org, lost, testId('wip')))).toMatchObject({
      ok: false,
      reason: 'not_permitted',
      detail: 'no such wipe order',
    });
    expect(dir.ingest(confirm(org, lost, otherOrder.body.orderId))).toMatchObject({
      ok: false,
      detail: 'the wipe order is for another device',
    });
    expect(dir.ingest(confirm(org, lost, order.body.orderId, other))).toMatchObject({
      ok: false,
      detail: 'only the wiped device confirms its wipe',
    });
    // An org-signed "confirmation" is not allowed either: only the device's own key says it ran.
    expect(
      dir.ingest(
        org.sign('wipe_done', {
          orgId: org.orgId,
          orderId: order.body.orderId,
          deviceId: lost.deviceId,
          executedAt: 1,
        }),
      ),
    ).toMatchObject({ ok: false, reason: 'not_permitted' });
    expect(dir.wipesDone.size).toBe(0);

    const done = confirm(org, lost, order.body.orderId);
    expect(dir.ingest(done).ok).toBe(true);
    expect(dir.wipesDone.get(order.body.orderId)?.body.executedAt).toBe(1_000);
    expect(dir.ingest(confirm(org, lost, order.body.orderId, lost, 2_000))).toMatchObject({
      ok: false,
      detail: 'wipe already confirmed',
    });
    // The revoked device's key counts for nothing else.
    expect(
      dir.ingest(
        signRecord(
          'roster',
          {
            orgId: org.orgId,
            channelId: testId('chan'),
            epoch: 1,
            prevHash: null,
            kind: 'channel',
            members: [{ userId: user, role: 'admin' }],
            historyForNewMembers: true,
            issuedAt: 1,
          },
          { kind: 'device', id: lost.deviceId },
          lost.keys.signing.secretKey,
        ),
      ),
    ).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('a confirmation that comes before its order is refused (the log order is the directory order)', async () => {
    const org = await TestOrg.create();
    const lost = org.addDevice(org.addUser());
    const dir = new Directory({ orgPublicKey: org.org.publicKey });
    for (const record of org.records) dir.ingest(record);
    const order = org.sign('wipe', {
      orgId: org.orgId,
      orderId: testId('wip'),
      targetDeviceId: lost.deviceId,
      issuedAt: 1,
    });
    expect(dir.ingest(confirm(org, lost, order.body.orderId)).ok).toBe(false);
    expect(dir.ingest(order).ok).toBe(true);
    expect(dir.ingest(confirm(org, lost, order.body.orderId)).ok).toBe(true);
  });
});
