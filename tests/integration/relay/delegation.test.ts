// Delegated administration over the real relay, with two clients: the department admin's
// workstation (its device key holds a delegation for "Kardiologie") and a nurse's workstation
// that reads the directory. What the delegation allows is stored and every client takes it; what
// it does not is refused by the relay with a reason, and every client's own directory refuses
// the same record (as it would when a hostile relay passed it on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RecordBody, RecordType, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import type { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import { TransportError } from '../../../apps/desktop/electron/core/transport/transport.ts';
import {
  deviceTransport,
  startTestRelay,
  TestOrg,
  testId,
  type TestDevice,
  type TestRelay,
} from '../../harness/relay.ts';

const HOUR = 3_600_000;

/** A client: its transport and its own Directory, fed from the relay as DirectorySync does. */
class Client {
  readonly directory: Directory;
  readonly transport: RelayTransport;
  #position = 0;
  constructor(transport: RelayTransport, org: TestOrg) {
    this.transport = transport;
    this.directory = new Directory({ orgPublicKey: org.org.publicKey });
  }
  async refresh(): Promise<void> {
    for (;;) {
      const page = await this.transport.getRecords(this.#position, 500);
      for (const { pos, record } of page.records) {
        this.#position = Math.max(this.#position, pos);
        const verdict = this.directory.ingest(record);
        if (!verdict.ok) throw new Error(`client refused a stored ${String(record.type)}: ${verdict.reason}`);
      }
      if (page.records.length < 500) return;
    }
  }
}

describe('delegated administration through the relay', () => {
  let org: TestOrg;
  let relay: TestRelay;
  let deptAdmin: TestDevice;
  let nurseDevice: TestDevice;
  let deptClient: Client;
  let nurseClient: Client;
  let adminId: string;
  let cardioNurse: string;
  let neuroNurse: string;
  let grant: SignedRecord<'delegation'>;
  let expired: SignedRecord<'delegation'>;
  let revoked: SignedRecord<'delegation'>;
  let agentKey: ReturnType<typeof generateOrgKeys>;
  const now = Date.now();

  const user = (userId: string, ward: string | null, role: 'admin' | 'member' = 'member'): RecordBody<'user'> => ({
    orgId: org.orgId,
    userId,
    displayName: `Person ${userId}`,
    role,
    ward,
    active: true,
    issuedAt: Date.now(),
  });
  const addUser = (ward: string | null, role: 'admin' | 'member' = 'member') => {
    const userId = testId('usr');
    org.records.push(org.sign('user', user(userId, ward, role)));
    return userId;
  };
  const delegate = (holder: RecordBody<'delegation'>['holder'], expiresAt: number, departments = ['Kardiologie']) => {
    const record = org.sign('delegation', {
      orgId: org.orgId,
      delegationId: testId('dlg'),
      holder,
      label: 'Bereichsadministration',
      scope: { kind: 'departments', departments },
      expiresAt,
      issuedAt: now,
    });
    org.records.push(record);
    return record;
  };
  const signAs = <T extends RecordType>(type: T, body: RecordBody<T>, d: SignedRecord<'delegation'>, key: Uint8Array) =>
    signRecord(type, body, { kind: 'delegate', id: d.body.delegationId }, key);
  const byDept = <T extends RecordType>(type: T, body: RecordBody<T>) =>
    signAs(type, body, grant, deptAdmin.keys.signing.secretKey);

  /** The relay refuses the record with a reason naming why; both clients' directories refuse it too. */
  async function refusedEverywhere(record: SignedRecord, reason: string): Promise<void> {
    const error = await deptClient.transport.putRecord(record as never).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe('record_rejected');
    expect((error as TransportError).message).toContain(reason);
    for (const client of [deptClient, nurseClient]) {
      await client.refresh();
      const verdict = client.directory.ingest(record);
      expect(verdict.ok, `client took ${record.type}`).toBe(false);
    }
  }

  beforeAll(async () => {
    org = await TestOrg.create();
    agentKey = generateOrgKeys();
    adminId = addUser(null, 'admin');
    org.addDevice(adminId);
    const deptAdminId = addUser('Kardiologie');
    deptAdmin = org.addDevice(deptAdminId);
    cardioNurse = addUser('Kardiologie');
    neuroNurse = addUser('Neurologie');
    nurseDevice = org.addDevice(cardioNurse);
    grant = delegate({ kind: 'device', deviceId: deptAdmin.deviceId }, now + 24 * HOUR);
    // Ended an hour ago: the directory agent's key after its end.
    expired = delegate({ kind: 'key', publicKey: toBase64Url(agentKey.publicKey) }, now - HOUR, ['Neurologie']);
    revoked = delegate({ kind: 'key', publicKey: toBase64Url(agentKey.publicKey) }, now + HOUR, ['Neurologie']);
    org.records.push(
      org.sign('delegation_revocation', {
        orgId: org.orgId,
        delegationId: revoked.body.delegationId,
        reason: 'Schlüssel verloren',
        revokedAt: now,
      }),
    );
    relay = await startTestRelay({ org });
    deptClient = new Client(deviceTransport(relay.url, deptAdmin), org);
    nurseClient = new Client(deviceTransport(relay.url, nurseDevice), org);
    await Promise.all([deptClient.transport.connect(), nurseClient.transport.connect()]);
    await Promise.all([deptClient.refresh(), nurseClient.refresh()]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([deptClient?.transport.close(), nurseClient?.transport.close()]);
    await relay?.dispose();
  });

  it('stores a member the department admin adds to their department; the other client takes it', async () => {
    const userId = testId('usr');
    await deptClient.transport.putRecord(byDept('user', user(userId, 'Kardiologie')) as never);
    await nurseClient.refresh();
    expect(nurseClient.directory.users.get(userId)?.body.ward).toBe('Kardiologie');
  });

  it('refuses a department admin creating an admin', async () => {
    await refusedEverywhere(byDept('user', user(testId('usr'), 'Kardiologie', 'admin')), 'not_permitted');
  });

  it('refuses a department admin changing an admin or a user of another department', async () => {
    await refusedEverywhere(byDept('user', { ...user(adminId, 'Kardiologie') }), 'cannot act on an admin');
    await refusedEverywhere(
      byDept('user', { ...user(neuroNurse, 'Neurologie'), active: false }),
      'outside the delegation scope',
    );
    await refusedEverywhere(
      byDept('revocation', {
        orgId: org.orgId,
        target: { kind: 'user', userId: neuroNurse },
        reason: 'x',
        revokedAt: Date.now(),
      }),
      'outside the delegation scope',
    );
    expect(nurseClient.directory.users.get(neuroNurse)?.body.active).toBe(true);
  });

  it('refuses a delegated key signing outside its scope: another department, or a record type it may not sign', async () => {
    await refusedEverywhere(byDept('user', user(testId('usr'), 'Neurologie')), 'department is outside');
    const wipe = byDept('wipe', {
      orgId: org.orgId,
      orderId: testId('wip'),
      targetDeviceId: nurseDevice.deviceId,
      issuedAt: Date.now(),
    });
    await refusedEverywhere(wipe, 'delegate may not sign wipe');
  });

  it('refuses an expired delegation: signed after its end, and backdated (the relay clock)', async () => {
    await refusedEverywhere(signAs('user', user(testId('usr'), 'Neurologie'), expired, agentKey.secretKey), 'expired');
    const backdated = signAs(
      'user',
      { ...user(testId('usr'), 'Neurologie'), issuedAt: now - 2 * HOUR },
      expired,
      agentKey.secretKey,
    );
    const error = await deptClient.transport.putRecord(backdated as never).then(
      () => null,
      (e: unknown) => e as TransportError,
    );
    expect(error?.code).toBe('record_rejected');
    expect(error?.message).toContain('delegation has ended');
  });

  it('refuses a revoked delegation', async () => {
    await refusedEverywhere(signAs('user', user(testId('usr'), 'Neurologie'), revoked, agentKey.secretKey), 'revoked');
  });

  it('refuses forged delegations: not signed by the org key, or signed by a delegated key', async () => {
    const rogue = generateOrgKeys();
    const body: RecordBody<'delegation'> = {
      orgId: org.orgId,
      delegationId: testId('dlg'),
      holder: { kind: 'key', publicKey: toBase64Url(agentKey.publicKey) },
      label: 'Fälschung',
      scope: { kind: 'all_members' },
      expiresAt: Date.now() + HOUR,
      issuedAt: Date.now(),
    };
    await refusedEverywhere(
      signRecord('delegation', body, { kind: 'org', id: org.orgId }, rogue.secretKey),
      'bad_signature',
    );
    await refusedEverywhere(
      signRecord(
        'delegation',
        body,
        { kind: 'delegate', id: grant.body.delegationId },
        deptAdmin.keys.signing.secretKey,
      ),
      'delegate may not sign delegation',
    );
    // The key the forgery named still signs nothing.
    await refusedEverywhere(
      signRecord(
        'user',
        user(testId('usr'), 'Neurologie'),
        { kind: 'delegate', id: body.delegationId },
        agentKey.secretKey,
      ),
      'unknown delegation',
    );
  });
});
