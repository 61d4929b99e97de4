// Sign-in with the directory password against a real OpenLDAP (slapd, StartTLS), a real relay, the
// agent's sign-in session and real workstations (the core, not Playwright: the e2e harness cannot
// start the agent and slapd). A person the agent created signs in with their directory password,
// the device record verifies at the admin's workstation through the delegation, and they message a
// colleague who signed in the same way; wrong password, unknown account, a disabled account, one
// outside the group and too many attempts are refused with their code and nothing signed; the
// password is in no relay file, no agent log line and no agent file; disabling the person in LDAP
// ends their session with the next sync run.
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '@klinikfunk/node-common/logger.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { loadAgentKey, newAgentKey, type AgentKey } from '../../../apps/relay/directory-agent/agent-key.ts';
import { parseConfig, type AgentConfig } from '../../../apps/relay/directory-agent/config.ts';
import { AgentRelayClient } from '../../../apps/relay/directory-agent/relay-client.ts';
import { SignInService } from '../../../apps/relay/directory-agent/sign-in-service.ts';
import { runOnce } from '../../../apps/relay/directory-agent/sync.ts';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import {
  ADMIN_DN,
  ADMIN_PASSWORD,
  AGENT_DN,
  BASE_DN,
  personDn,
  personPassword,
  STAFF_GROUP,
  startSlapd,
  type Slapd,
} from '../../harness/slapd.ts';
import { eventually } from '../client/client-world.ts';

const PEOPLE = 20; // every 10th disabled: person9, person19

/** Every file below `dir`, for a search of its bytes. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

describe('sign-in with the directory password', () => {
  let slapd: Slapd;
  let relay: ClinicRelay;
  let admin: CoreClient;
  let dir: string;
  let key: AgentKey;
  let config: AgentConfig;
  let service: SignInService;
  const agentLog = createMemoryLogger();
  const clients: CoreClient[] = [];
  /** Every password a test typed, right or wrong: none may reach the relay's or the agent's files. */
  const typed = new Set<string>();

  const adminDirectory = () => admin.core.sessions.visible().client.directory;
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
  const signIn = async (account: string, password: string) => {
    typed.add(password);
    const client = await startCoreClient();
    clients.push(client);
    const result = await client.value('org.joinWithDirectory', {
      account,
      password,
      relayUrl: relay.url,
      passphrase: 'Leuchtturm-Hafen-Nord',
    });
    return { client, result };
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

  beforeAll(async () => {
    await readySodium();
    dir = await mkdtemp(join(tmpdir(), 'kf-signin-'));
    [slapd, relay] = await Promise.all([startSlapd({ users: PEOPLE, disabledEvery: 10 }), startClinicRelay()]);
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
      signIn: true,
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
      signIn: { accountAttribute: 'uid', attemptsPerAccount: 3, attemptsPerWorkstation: 1_000 },
      allowPlaintextForTests: true,
    });
    // The users exist from a sync run; the sign-in session answers beside it.
    const run = await runOnce(config, key, { dryRun: false, log: agentLog.logger });
    expect(run.refused).toEqual([]);
    service = new SignInService(config, key, { log: agentLog.logger });
    await service.start();
  }, 180_000);

  afterAll(async () => {
    service?.stop();
    for (const client of clients) await client.close();
    await admin?.close();
    await relay?.relay.dispose();
    await slapd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the right password enrols the workstation; its device verifies at the admin through the delegation; the user messages a colleague', async () => {
    const { client: nurse, result } = await signIn('person1', personPassword(1));
    expect(result).toMatchObject({ status: 'joined', displayName: 'Vorname1 Nachname1' });
    await eventually(async () => (await nurse.value('connection.status', {})).state === 'online', 20_000, 'nurse');
    const me = await nurse.value('session.me', {});
    // The admin's workstation took the device record: it verified through the delegation to the org key.
    await eventually(() => adminDirectory().devices.has(me.deviceId), 20_000, 'admin sees the device');
    const device = adminDirectory().devices.get(me.deviceId)!.record;
    expect(device.signer).toEqual({ kind: 'delegate', id: config.delegationId });
    expect(device.body.userId).toBe(me.userId);

    const { client: colleague, result: second } = await signIn('PERSON2', personPassword(2));
    expect(second, JSON.stringify(second)).toMatchObject({ status: 'joined', displayName: 'Vorname2 Nachname2' });
    await eventually(async () => (await colleague.value('connection.status', {})).state === 'online', 20_000, 'c');
    const colleagueId = (await colleague.value('session.me', {})).userId;
    await eventually(
      () => nurse.core.sessions.visible().client.directory.users.has(colleagueId),
      20_000,
      'nurse knows the colleague',
    );
    const { channelId } = await nurse.value('channels.create', {
      kind: 'channel',
      name: 'Station 3B',
      topic: '',
      memberUserIds: [colleagueId],
    });
    await nurse.value('messages.send', { channelId, body: 'Zimmer 4 bitte' });
    await eventually(
      async () =>
        (await colleague.value('messages.page', { channelId }).catch(() => ({ messages: [] }))).messages.some(
          (m) => m.body === 'Zimmer 4 bitte',
        ),
      30_000,
      'colleague reads the message',
    );
  }, 120_000);

  it('wrong password, unknown account, a disabled account and one outside the group are refused, nothing signed', async () => {
    await withLdapAdmin((client) =>
      client.modify(STAFF_GROUP, [
        new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [personDn(5)] }) }),
      ]),
    );
    const before = await relayRecords();
    const cases: Array<[string, string, string]> = [
      ['person3', 'falsch-geraten', 'wrong_credentials'],
      ['niemand', 'falsch-geraten', 'wrong_credentials'],
      // A filter's special characters are the typed name's, not the filter's.
      ['person*', 'falsch-geraten', 'wrong_credentials'],
      ['person9', personPassword(9), 'account_disabled'],
      ['person5', personPassword(5), 'not_in_group'],
    ];
    for (const [account, password, reason] of cases) {
      const { result } = await signIn(account, password);
      expect(result, account).toEqual({ status: 'refused', reason, retryAfterSeconds: null });
    }
    expect(await relayRecords()).toBe(before);
    await withLdapAdmin((client) =>
      client.modify(STAFF_GROUP, [
        new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [personDn(5)] }) }),
      ]),
    );
  }, 120_000);

  it('too many attempts for one account are refused with the time to wait, even with the right password', async () => {
    const before = await relayRecords();
    for (let i = 0; i < 3; i++) {
      const { result } = await signIn('person4', `falsch-${i}`);
      expect(result).toMatchObject({ status: 'refused', reason: 'wrong_credentials' });
    }
    const { result } = await signIn('person4', personPassword(4));
    expect(result).toMatchObject({ status: 'refused', reason: 'rate_limited' });
    expect(result.status === 'refused' && result.retryAfterSeconds).toBeGreaterThan(0);
    // The directory matches these to the same entry (case, full-width and superscript forms,
    // repeated spaces are folded): they draw on the same attempts.
    for (const variant of ['ＰＥＲＳＯＮ4', 'person⁴', 'ｐerson4']) {
      const { result: again } = await signIn(variant, personPassword(4));
      expect(again, variant).toMatchObject({ status: 'refused', reason: 'rate_limited' });
    }
    expect(await relayRecords()).toBe(before);
  }, 120_000);

  it("no password reaches the relay's files, the agent's log or the agent's files", async () => {
    expect(typed.size).toBeGreaterThan(5);
    const files = [...(await filesUnder(relay.relay.dataDir)), ...(await filesUnder(dir))];
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      const bytes = await readFile(file);
      for (const password of typed) expect(bytes.includes(Buffer.from(password)), `${password} in ${file}`).toBe(false);
    }
    const log = JSON.stringify(agentLog.records);
    expect(log).toContain('sign-in enrolled a device');
    for (const password of typed) expect(log).not.toContain(password);
  }, 60_000);

  it('disabling the person in LDAP ends their session with the next sync run', async () => {
    const nurse = clients[0]!;
    await withLdapAdmin((client) =>
      client.modify(personDn(1), [
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'userAccountControl', values: ['514'] }),
        }),
      ]),
    );
    const result = await runOnce(config, key, { dryRun: false, log: agentLog.logger });
    expect(result.summary).toMatchObject({ deactivated: 1 });
    await eventually(
      async () => {
        const status = await nurse.value('session.status', {});
        return status.lastSignOutReason === 'revoked' && status.profiles[0]?.notice?.reason === 'deactivated';
      },
      30_000,
      'nurse signed out as deactivated',
    );
    // And the password that still binds no longer enrols a workstation.
    const { result: again } = await signIn('person1', personPassword(1));
    expect(again).toMatchObject({ status: 'refused', reason: 'account_disabled' });
  }, 120_000);
});
