// The directory agent against a real OpenLDAP (slapd, StartTLS, a fictional hospital of 200
// people, 5 disabled), a real relay and real workstations: the admin delegates "all members" to
// the agent's key; the dry run changes nothing; apply creates the people as users that the
// admin's workstation shows; a rename, a moved department, a disabled account and a group removal
// arrive in one run, and a disabled person's enrolled workstation is cut off. A failing directory
// (unreachable, wrong password, empty answer, a mass removal) changes nothing, and the agent's key
// is refused outside its scope.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '@klinikfunk/node-common/logger.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { loadAgentKey, newAgentKey, type AgentKey } from '../../../apps/relay/directory-agent/agent-key.ts';
import { parseConfig, type AgentConfig } from '../../../apps/relay/directory-agent/config.ts';
import type { RelayError } from '../../../apps/relay/directory-agent/relay-client.ts';
import { AgentRelayClient } from '../../../apps/relay/directory-agent/relay-client.ts';
import { runOnce } from '../../../apps/relay/directory-agent/sync.ts';
import { AGENT_USER_PREFIX } from '../../../apps/relay/directory-agent/plan.ts';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import {
  ADMIN_DN,
  ADMIN_PASSWORD,
  AGENT_DN,
  BASE_DN,
  personDn,
  STAFF_GROUP,
  startSlapd,
  type Slapd,
} from '../../harness/slapd.ts';
import { eventually } from '../client/client-world.ts';

const MAIN = resolve(import.meta.dirname, '../../../apps/relay/directory-agent/main.ts');
const PEOPLE = 200;
const DISABLED = 5; // every 40th

describe('directory agent against slapd and a real relay', () => {
  let slapd: Slapd;
  let relay: ClinicRelay;
  let admin: CoreClient;
  let dir: string;
  let key: AgentKey;
  let config: AgentConfig;
  const { logger: log } = createMemoryLogger();

  const adminDirectory = () => admin.core.sessions.visible().client.directory;
  const agentUsers = () =>
    [...adminDirectory().users.values()].filter((r) => r.body.userId.startsWith(AGENT_USER_PREFIX));
  /** What the relay stores: a failed run must leave this unchanged. */
  const relayRecords = async () => {
    const client = await AgentRelayClient.connect({
      url: config.relay.url,
      delegationId: config.delegationId,
      secretKey: key.secretKey,
    });
    try {
      return (await client.records()).length;
    } finally {
      client.close();
    }
  };
  const withLdapAdmin = async (work: (client: Client) => Promise<void>) => {
    const client = new Client({ url: slapd.url, timeout: 30_000 });
    await client.startTLS({ ca: [readFileSync(slapd.caFile)], host: '127.0.0.1' });
    await client.bind(ADMIN_DN, ADMIN_PASSWORD);
    try {
      await work(client);
    } finally {
      await client.unbind();
    }
  };
  const userOf = (i: number) => agentUsers().find((r) => r.body.displayName === `Vorname${i} Nachname${i}`);

  beforeAll(async () => {
    await readySodium();
    dir = await mkdtemp(join(tmpdir(), 'kf-agent-'));
    [slapd, relay] = await Promise.all([startSlapd({ users: PEOPLE, disabledEvery: 40 }), startClinicRelay()]);
    admin = await startCoreClient();
    await admin.value('org.create', {
      orgName: 'Klinikum Test',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: 'Sonnenblume-Station-3',
    });
    await eventually(async () => (await admin.value('connection.status', {})).state === 'online', 15_000, 'admin');
    const publicKey = await newAgentKey(join(dir, 'agent.key'));
    key = loadAgentKey(join(dir, 'agent.key'));
    const { delegationId } = await admin.value('admin.createDelegation', {
      label: 'Verzeichnis-Agent',
      holder: { kind: 'key', publicKey },
      scope: { kind: 'all_members' },
      validDays: 30,
    });
    config = parseConfig({
      relay: { url: relay.url, orgPublicKey: toBase64Url(adminDirectory().orgPublicKey) },
      delegationId,
      keyFile: join(dir, 'agent.key'),
      ldap: {
        url: slapd.url,
        startTls: true,
        caFile: slapd.caFile,
        bindDn: AGENT_DN,
        bindPasswordFile: slapd.agentPasswordFile,
        userBase: `ou=Personal,${BASE_DN}`,
        userFilter: '(objectClass=inetOrgPerson)',
      },
      attributes: { id: 'entryUUID', displayName: 'displayName', department: 'departmentNumber' },
      groups: [STAFF_GROUP],
      // The test relay speaks ws:// on loopback; LDAP still goes through StartTLS.
      allowPlaintextForTests: true,
    });
  }, 180_000);

  afterAll(async () => {
    await admin?.close();
    await relay?.relay.dispose();
    await slapd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the dry run prints the diff and stores nothing', async () => {
    const before = await relayRecords();
    const result = await runOnce(config, key, { dryRun: true, log });
    expect(result.summary).toMatchObject({ found: PEOPLE, created: PEOPLE - DISABLED, deactivated: 0 });
    expect(result.lines).toHaveLength(PEOPLE - DISABLED);
    expect(result.lines[0]).toMatch(/^\+ ldap-\S+ "Vorname0 Nachname0" \(Kardiologie\) uid=person0,/);
    // The same through the command line: the diff on stdout, the summary as a log line.
    const file = join(dir, 'agent.json');
    await writeFile(file, JSON.stringify(config));
    const cli = await new Promise<{ stdout: string; stderr: string }>((done, fail) =>
      execFile(process.execPath, [MAIN, '--config', file, '--dry-run'], { timeout: 60_000 }, (error, stdout, stderr) =>
        error ? fail(new Error(`${error.message} ${stderr}`)) : done({ stdout, stderr }),
      ),
    );
    expect(cli.stdout.trim().split('\n')).toEqual(result.lines);
    expect(cli.stderr).toMatch(/"msg":"dry run".*"created":195/);
    expect(await relayRecords()).toBe(before);
  }, 60_000);

  it('apply creates the people as members, signed by the agent, and the workstation shows them', async () => {
    const result = await runOnce(config, key, { dryRun: false, log });
    expect(result.refused).toEqual([]);
    expect(result.summary).toMatchObject({ created: PEOPLE - DISABLED, updated: 0, deactivated: 0 });
    await eventually(() => agentUsers().length === PEOPLE - DISABLED, 30_000, 'admin workstation takes the users');
    const first = userOf(0)!;
    expect(first.body).toMatchObject({
      displayName: 'Vorname0 Nachname0',
      ward: 'Kardiologie',
      role: 'member',
      active: true,
    });
    expect(first.signer).toEqual({ kind: 'delegate', id: config.delegationId });
    // Disabled accounts (every 40th) get no user; the mail address is no part of the id.
    expect(userOf(39)).toBeUndefined();
    expect(JSON.stringify(agentUsers())).not.toContain('@klinik.test');
    const again = await runOnce(config, key, { dryRun: false, log });
    expect(again.summary).toMatchObject({ created: 0, updated: 0, deactivated: 0, unchanged: PEOPLE - DISABLED });
  }, 120_000);

  it('a rename, a new department, a disabled account and a group removal arrive in one run; the disabled person is cut off', async () => {
    // Person 1 gets a workstation first: the admin prints their letter, they enrol.
    const person1 = userOf(1)!.body.userId;
    const letter = await admin.value('admin.createRegistrationKey', { userId: person1 });
    const nurse = await startCoreClient();
    try {
      await nurse.value('org.join', {
        registrationKey: letter.registrationKey,
        relayUrl: relay.url,
        passphrase: 'Leuchtturm-Hafen-Nord',
      });
      await eventually(
        async () => (await nurse.value('connection.status', {})).state === 'online',
        20_000,
        'nurse online',
      );
      await withLdapAdmin(async (client) => {
        await client.modify(personDn(2), [
          new Change({
            operation: 'replace',
            modification: new Attribute({ type: 'displayName', values: ['Vorname2 Neuname'] }),
          }),
          new Change({
            operation: 'replace',
            modification: new Attribute({ type: 'departmentNumber', values: ['Intensivstation'] }),
          }),
        ]);
        await client.modify(personDn(1), [
          new Change({
            operation: 'replace',
            modification: new Attribute({ type: 'userAccountControl', values: ['514'] }),
          }),
        ]);
        await client.modify(STAFF_GROUP, [
          new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [personDn(3)] }) }),
        ]);
      });
      const person3 = userOf(3)!.body.userId;
      const result = await runOnce(config, key, { dryRun: false, log });
      expect(result.refused).toEqual([]);
      expect(result.summary).toMatchObject({ created: 0, updated: 1, deactivated: 2 });
      await eventually(
        () =>
          adminDirectory().users.get(person1)?.body.active === false &&
          adminDirectory().users.get(person3)?.body.active === false,
        30_000,
        'admin sees both deactivated',
      );
      const renamed = agentUsers().find((r) => r.body.displayName === 'Vorname2 Neuname');
      expect(renamed?.body).toMatchObject({ ward: 'Intensivstation', active: true });
      // The relay ends the disabled person's session; their workstation signs them out and says why.
      await eventually(
        async () => {
          const status = await nurse.value('session.status', {});
          return status.lastSignOutReason === 'revoked' && status.profiles[0]?.notice?.reason === 'deactivated';
        },
        30_000,
        'nurse signed out as deactivated',
      );
    } finally {
      await nurse.close();
    }
  }, 180_000);

  it('a failing directory changes nothing: unreachable, wrong password, plaintext, an unchecked certificate, empty answer, a mass removal', async () => {
    const before = await relayRecords();
    const wrongPassword = join(dir, 'wrong-password');
    await writeFile(wrongPassword, 'falsch\n');
    const broken: AgentConfig[] = [
      { ...config, ldap: { ...config.ldap, url: 'ldap://127.0.0.1:1', timeoutMs: 2_000 } },
      { ...config, ldap: { ...config.ldap, bindPasswordFile: wrongPassword } },
      // Even a test rig's plaintext bind is refused by the server (security simple_bind=128).
      { ...config, ldap: { ...config.ldap, startTls: false } },
      { ...config, ldap: { ...config.ldap, userFilter: '(uid=niemand)' } },
    ];
    for (const bad of broken) await expect(runOnce(bad, key, { dryRun: false, log }), bad.ldap.url).rejects.toThrow();
    // The server's certificate is checked: a CA the agent was not given, or a name it does not carry.
    const { caFile: _ca, ...withoutCa } = config.ldap;
    await expect(runOnce({ ...config, ldap: withoutCa }, key, { dryRun: false, log })).rejects.toThrow(/certificate/i);
    const wrongName = { ...config.ldap, url: slapd.url.replace('127.0.0.1', 'localhost') };
    await expect(runOnce({ ...config, ldap: wrongName }, key, { dryRun: false, log })).rejects.toThrow(
      /altnames|localhost/i,
    );
    await expect(runOnce(broken[3]!, key, { dryRun: false, log })).rejects.toThrow(/safety.minUsers/);
    // 30 of ~190 active users leave the group at once: more than the 10 % threshold.
    await withLdapAdmin(async (client) => {
      const values = Array.from({ length: 30 }, (_, i) => personDn(100 + i));
      await client.modify(STAFF_GROUP, [
        new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values }) }),
      ]);
    });
    await expect(runOnce(config, key, { dryRun: false, log })).rejects.toThrow(/maxDeactivateShare/);
    expect(await relayRecords()).toBe(before);
    expect(agentUsers().filter((r) => !r.body.active)).toHaveLength(2);
  }, 120_000);

  it("the agent's key cannot sign outside its scope, and its session carries directory records only", async () => {
    const client = await AgentRelayClient.connect({
      url: config.relay.url,
      delegationId: config.delegationId,
      secretKey: key.secretKey,
    });
    try {
      const orgId = adminDirectory().orgId;
      const adminId = admin.core.sessions.visible().identity.userId;
      const sign = (body: Parameters<typeof signRecord<'user'>>[1]) =>
        signRecord('user', body, { kind: 'delegate', id: config.delegationId }, key.secretKey);
      const refused = (promise: Promise<void>) =>
        promise.then(
          () => null,
          (e: unknown) => e as RelayError,
        );
      const demote = await refused(
        client.put(
          sign({
            orgId,
            userId: adminId,
            displayName: 'X',
            role: 'member',
            ward: null,
            active: false,
            issuedAt: Date.now(),
          }),
        ),
      );
      expect(demote).toMatchObject({ code: 'record_rejected' });
      expect(demote?.message).toContain('cannot act on an admin');
      const makeAdmin = await refused(
        client.put(
          sign({
            orgId,
            userId: 'ldap-neuadmin00',
            displayName: 'X',
            role: 'admin',
            ward: null,
            active: true,
            issuedAt: Date.now(),
          }),
        ),
      );
      expect(makeAdmin?.message).toContain('cannot make or change an admin');
      const wipe = await refused(
        client.put(
          signRecord(
            'wipe',
            {
              orgId,
              orderId: 'wip00000000',
              targetDeviceId: admin.core.sessions.visible().identity.deviceId,
              issuedAt: Date.now(),
            },
            { kind: 'delegate', id: config.delegationId },
            key.secretKey,
          ),
        ),
      );
      expect(wipe?.message).toContain('delegate may not sign wipe');
      expect(adminDirectory().users.get(adminId)?.body.role).toBe('admin');
    } finally {
      client.close();
    }
    // A wrong key for the delegation is refused at sign-in.
    const other = await mkdtemp(join(tmpdir(), 'kf-agent-other-'));
    try {
      await newAgentKey(join(other, 'k'));
      const stranger = loadAgentKey(join(other, 'k'));
      await expect(
        AgentRelayClient.connect({
          url: config.relay.url,
          delegationId: config.delegationId,
          secretKey: stranger.secretKey,
        }),
      ).rejects.toMatchObject({ code: 'auth_failed' });
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  }, 60_000);

  it('a revoked delegation ends the agent: sign-in refused, nothing changed', async () => {
    await admin.value('admin.revokeDelegation', { delegationId: config.delegationId, reason: 'Test' });
    await eventually(
      async () =>
        (
          await AgentRelayClient.connect({
            url: config.relay.url,
            delegationId: config.delegationId,
            secretKey: key.secretKey,
          }).then(
            (c) => (c.close(), null),
            (e: unknown) => e as RelayError,
          )
        )?.code === 'revoked',
      20_000,
      'agent refused',
    );
    await expect(runOnce(config, key, { dryRun: false, log })).rejects.toMatchObject({ code: 'revoked' });
  }, 60_000);
});
