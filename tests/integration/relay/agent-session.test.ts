// The directory agent's session on the relay: a key-holder delegation's key signs in with the
// delegation id in hello, and the session reads and stores directory records only. A wrong key, a
// device delegation's id, a revoked or ended delegation sign in to nothing; revoking the
// delegation ends a session that is open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authChallengeText, RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RecordBody, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { signDetached } from '@klinikfunk/crypto/ed25519.ts';
import { generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { startTestRelay, TestOrg, testId, type TestRelay } from '../../harness/relay.ts';
import { RawClient } from './raw-client.ts';

const HOUR = 3_600_000;

describe('directory agent session', () => {
  let org: TestOrg;
  let relay: TestRelay;
  let agent: ReturnType<typeof generateOrgKeys>;
  let grant: SignedRecord<'delegation'>;
  let ended: SignedRecord<'delegation'>;
  let deviceGrant: SignedRecord<'delegation'>;
  let dora: ReturnType<TestOrg['addDevice']>;

  const delegate = (holder: RecordBody<'delegation'>['holder'], expiresAt: number) => {
    const record = org.sign('delegation', {
      orgId: org.orgId,
      delegationId: testId('dlg'),
      holder,
      label: 'Verzeichnis-Agent',
      scope: { kind: 'all_members' },
      expiresAt,
      issuedAt: Date.now() - 2 * HOUR,
    });
    org.records.push(record);
    return record;
  };

  /** hello with the delegation id, auth signed with `key`: the relay's answer. */
  async function signIn(delegationId: string, key: Uint8Array) {
    const client = await RawClient.open(relay.url);
    client.send({ t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: delegationId });
    const challenge = await client.next((f) => f.t === 'challenge');
    const signature = signDetached(
      new TextEncoder().encode(authChallengeText(String(challenge.nonce), delegationId)),
      key,
    );
    const answer = await client.request({ t: 'auth', signature: toBase64Url(signature) });
    return { client, answer };
  }

  beforeAll(async () => {
    org = await TestOrg.create();
    agent = generateOrgKeys();
    const holder = { kind: 'key' as const, publicKey: toBase64Url(agent.publicKey) };
    grant = delegate(holder, Date.now() + 24 * HOUR);
    ended = delegate(holder, Date.now() - HOUR);
    const member = org.addUser('Dora');
    dora = org.addDevice(member);
    deviceGrant = delegate({ kind: 'device', deviceId: dora.deviceId }, Date.now() + HOUR);
    relay = await startTestRelay({ org, limits: { agentRecordsPerMinute: 1, agentRecordBurst: 3 } });
  }, 60_000);

  afterAll(async () => {
    await relay?.dispose();
  });

  it('reads and stores directory records, and nothing else', async () => {
    const { client, answer } = await signIn(grant.body.delegationId, agent.secretKey);
    try {
      expect(answer).toMatchObject({ t: 'auth_ok', deviceId: grant.body.delegationId });
      expect(await client.request({ t: 'dir_get', after: 0, limit: 10 })).toMatchObject({ t: 'dir_records' });
      const user = signRecord(
        'user',
        {
          orgId: org.orgId,
          userId: testId('usr'),
          displayName: 'Neu',
          role: 'member',
          ward: 'Kardiologie',
          active: true,
          issuedAt: Date.now(),
        },
        { kind: 'delegate', id: grant.body.delegationId },
        agent.secretKey,
      );
      expect(await client.request({ t: 'dir_put', record: user })).toMatchObject({ t: 'ok' });
      for (const frame of [
        { t: 'sync', cursors: {} },
        { t: 'mail_fetch', limit: 10 },
        { t: 'devices_seen' },
        { t: 'blob_begin', hash: 'a'.repeat(64), size: 10 },
        // A publish takes the batch path (group commit), which must refuse it as well.
        { t: 'publish', channelId: 'chan00000001', clientEventId: 'evt00000001', envelope: 'AAAA' },
      ])
        expect(await client.request(frame), frame.t).toMatchObject({ t: 'error', code: 'not_permitted' });
    } finally {
      client.ws.close();
    }
  });

  const agentUser = (displayName: string) =>
    signRecord(
      'user',
      {
        orgId: org.orgId,
        userId: testId('usr'),
        displayName,
        role: 'member',
        ward: null,
        active: true,
        issuedAt: Date.now(),
      },
      { kind: 'delegate', id: grant.body.delegationId },
      agent.secretKey,
    );

  it('bounds the records a session stores: a stolen agent key cannot flood the directory', async () => {
    // The relay above allows the agent a burst of 3 (the default is thousands, for a first sync).
    const { client, answer } = await signIn(grant.body.delegationId, agent.secretKey);
    try {
      expect(answer.t).toBe('auth_ok');
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await client.request({ t: 'dir_put', record: agentUser(`Flut ${i}`) }));
      expect(answers.filter((a) => a.t === 'ok').length).toBeLessThanOrEqual(4);
      expect(answers.at(-1)).toMatchObject({ t: 'error', code: 'rate_limited' });
    } finally {
      client.ws.close();
    }
  });

  it("stores only records the agent's delegation (or the organisation) signed: no way round a device's caps", async () => {
    const { client, answer } = await signIn(grant.body.delegationId, agent.secretKey);
    try {
      expect(answer.t).toBe('auth_ok');
      // A roster a member's device signed (a new channel) counts against that device's caps; an
      // agent session is no way to store it uncounted.
      const roster = signRecord(
        'roster',
        {
          orgId: org.orgId,
          channelId: testId('chan'),
          epoch: 1,
          prevHash: null,
          kind: 'conversation',
          members: [{ userId: dora.userId, role: 'admin' as const }],
          historyForNewMembers: false,
          issuedAt: Date.now(),
        },
        { kind: 'device', id: dora.deviceId },
        dora.keys.signing.secretKey,
      );
      expect(await client.request({ t: 'dir_put', record: roster })).toMatchObject({
        t: 'error',
        code: 'not_permitted',
      });
    } finally {
      client.ws.close();
    }
  });

  it('keeps a few sessions per agent key: a stolen key cannot fill the relay with sockets', async () => {
    // As for a device (maxConnectionsPerDevice, 4): a fifth session pushes the oldest out.
    const sessions = [];
    for (let i = 0; i < 5; i++) {
      const session = await signIn(grant.body.delegationId, agent.secretKey);
      expect(session.answer.t).toBe('auth_ok');
      sessions.push(session.client);
    }
    try {
      expect((await sessions[0]!.waitClosed(10_000)).code).toBe(4010);
      expect(await sessions[4]!.request({ t: 'ping' })).toMatchObject({ t: 'pong' });
    } finally {
      for (const client of sessions) client.ws.close();
    }
  });

  it('refuses a wrong key, an ended delegation and a device delegation', async () => {
    const stranger = generateOrgKeys();
    const wrong = await signIn(grant.body.delegationId, stranger.secretKey);
    expect(wrong.answer).toMatchObject({ t: 'error', code: 'auth_failed' });
    const late = await signIn(ended.body.delegationId, agent.secretKey);
    expect(late.answer).toMatchObject({ t: 'error', code: 'revoked' });
    const asDevice = await signIn(deviceGrant.body.delegationId, agent.secretKey);
    expect(asDevice.answer).toMatchObject({ t: 'error', code: 'auth_failed' });
  });

  it('ends an open session once its delegation has ended, at its next request', async () => {
    const holder = { kind: 'key' as const, publicKey: toBase64Url(agent.publicKey) };
    const short = org.sign('delegation', {
      orgId: org.orgId,
      delegationId: testId('dlg'),
      holder,
      label: 'Verzeichnis-Agent (kurz)',
      scope: { kind: 'all_members' },
      // Long enough to sign in on a loaded machine before it ends.
      expiresAt: Date.now() + 8_000,
      issuedAt: Date.now() - HOUR,
    });
    const admin = await signIn(grant.body.delegationId, agent.secretKey);
    expect(await admin.client.request({ t: 'dir_put', record: short })).toMatchObject({ t: 'ok' });
    admin.client.ws.close();
    const { client, answer } = await signIn(short.body.delegationId, agent.secretKey);
    expect(answer.t).toBe('auth_ok');
    // No product timing here: the delegation's end is a fixed instant, waited out on this clock.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, short.body.expiresAt - Date.now()) + 200));
    const late = await client.request({ t: 'dir_get', after: 0, limit: 10 });
    expect(late).toMatchObject({ t: 'error', code: 'revoked' });
    expect((await client.waitClosed(10_000)).code).toBe(4003);
  });

  it('ends an open session when the delegation is revoked', async () => {
    const { client, answer } = await signIn(grant.body.delegationId, agent.secretKey);
    expect(answer.t).toBe('auth_ok');
    const revocation = org.sign('delegation_revocation', {
      orgId: org.orgId,
      delegationId: grant.body.delegationId,
      reason: 'Schlüssel verloren',
      revokedAt: Date.now(),
    });
    // The session itself stores the org-signed revocation (any session may carry org records).
    client.send({ t: 'dir_put', id: 1, record: revocation });
    expect((await client.waitClosed(10_000)).code).toBe(4003);
    const again = await signIn(grant.body.delegationId, agent.secretKey);
    expect(again.answer).toMatchObject({ t: 'error', code: 'revoked' });
  });
});
