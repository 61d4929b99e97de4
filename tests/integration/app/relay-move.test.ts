// Issue 18 item 4: the relay moves (another port or host, e.g. after switching to TLS) and IT
// changes the RelayUrl policy. Every profile on the PC follows at its next sign-in, once the new
// relay proved it serves the profile's organisation, says so on its tile, and delivers messages
// there. A RelayUrl that points at another organisation's relay moves nobody, and the profile
// says why. Before, the address was fixed per profile at enrolment: profiles kept dialling the
// old relay ("Verbinde …") for good.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { startTestRelay, TestOrg, type TestRelay } from '../../harness/relay.ts';
import { issueServerCert, makeCa } from '../../harness/test-ca.ts';
import { eventually } from '../client/client-world.ts';

const PASS_A = 'Sonnenblume-Station-3';
const PASS_B = 'Kaffeepause-Nachtdienst';

const relayPolicy = (url: string) =>
  resolvePolicy([{ name: 'HKLM', kind: 'registry', values: new Map([['RelayUrl', { type: 'REG_SZ', value: url }]]) }]);

describe('a changed RelayUrl policy moves the profiles on the PC', () => {
  let old: ClinicRelay;
  let moved: TestRelay;
  let foreign: ClinicRelay;
  let admin: CoreClient;
  let nurse: CoreClient;
  let adminDir: string;
  let nurseDir: string;
  let adminProfile: string;
  let nurseProfile: string;
  let channelId: string;

  beforeAll(async () => {
    old = await startClinicRelay();
    // Our own folders: the workstations restart on them.
    adminDir = await mkdtemp(join(tmpdir(), 'kf-move-admin-'));
    nurseDir = await mkdtemp(join(tmpdir(), 'kf-move-nurse-'));
    admin = await startCoreClient({ dataDir: adminDir });
    nurse = await startCoreClient({ dataDir: nurseDir });
    ({ profileId: adminProfile } = await admin.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: old.url,
      setupCode: old.setupCode,
      passphrase: PASS_A,
    }));
    const { userId } = await admin.value('admin.addUser', { displayName: 'Bernd Pflege', role: 'member', ward: null });
    const letter = await admin.value('admin.createRegistrationKey', { userId });
    ({ profileId: nurseProfile } = await nurse.value('org.join', {
      registrationKey: letter.registrationKey,
      relayUrl: old.url,
      passphrase: PASS_B,
    }));
    await eventually(
      async () => (await nurse.value('connection.status', {})).state === 'online',
      15_000,
      'nurse online',
    );
    await eventually(
      async () => (await admin.value('directory.users', {})).some((u) => u.userId === userId),
      15_000,
      'nurse in the directory',
    );
    ({ channelId } = await admin.value('channels.create', {
      kind: 'channel',
      name: 'Station 3B',
      topic: '',
      memberUserIds: [userId],
    }));
    await admin.value('messages.send', { channelId, body: 'Vor dem Umzug' });
    await eventually(
      async () => (await nurse.value('channels.list', {})).some((c) => c.channelId === channelId),
      15_000,
      'channel at nurse',
    );
    // Both workstations shut down; the relay moves to another port on the same data.
    await admin.close();
    await nurse.close();
    await old.relay.stop();
    moved = await startTestRelay({
      org: await TestOrg.create(),
      mode: 'process',
      bootstrap: true,
      dataDir: old.relay.dataDir,
      envelopeCheck: true,
    });
    expect(moved.url).not.toBe(old.url);
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
    await nurse?.close();
    await moved?.dispose();
    await foreign?.relay.dispose();
    await old?.relay.dispose();
    for (const dir of [adminDir, nurseDir]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('profiles follow the new address after checking the organisation there, say so, and deliver messages', async () => {
    admin = await startCoreClient({ dataDir: adminDir, policy: relayPolicy(moved.url) });
    nurse = await startCoreClient({ dataDir: nurseDir, policy: relayPolicy(moved.url) });
    await admin.value('session.signIn', { profileId: adminProfile, passphrase: PASS_A });
    await nurse.value('session.signIn', { profileId: nurseProfile, passphrase: PASS_B });
    for (const [station, profileId] of [
      [admin, adminProfile],
      [nurse, nurseProfile],
    ] as const) {
      await eventually(
        async () => (await station.value('connection.status', {})).state === 'online',
        20_000,
        'online on the new relay',
      );
      const status = await station.value('session.status', {});
      expect(status.profiles.find((p) => p.profileId === profileId)).toMatchObject({
        relayUrl: moved.url,
        notice: { reason: 'relay_moved', url: moved.url },
      });
      expect(await station.value('session.me', {})).toMatchObject({ relayUrl: moved.url });
    }
    await admin.value('messages.send', { channelId, body: 'Nach dem Umzug' });
    await eventually(
      async () => (await nurse.value('messages.page', { channelId })).messages.find((m) => m.body === 'Nach dem Umzug'),
      20_000,
      'message at nurse after the move',
    );
    await nurse.value('messages.send', { channelId, body: 'Angekommen' });
    await eventually(
      async () => (await admin.value('messages.page', { channelId })).messages.find((m) => m.body === 'Angekommen'),
      20_000,
      'reply at admin after the move',
    );

    // The next sign-in with the same policy moves nothing and drops the notice.
    await nurse.close();
    nurse = await startCoreClient({ dataDir: nurseDir, policy: relayPolicy(moved.url) });
    await nurse.value('session.signIn', { profileId: nurseProfile, passphrase: PASS_B });
    expect((await nurse.value('session.status', {})).profiles[0]).toMatchObject({ relayUrl: moved.url, notice: null });
  }, 120_000);

  it('a relay the policy names that does not answer moves nobody yet: no notice, the profile works on', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    await nurse.close();
    nurse = await startCoreClient({ dataDir: nurseDir, policy: relayPolicy(`ws://127.0.0.1:${closed}`) });
    await nurse.value('session.signIn', { profileId: nurseProfile, passphrase: PASS_B });
    expect((await nurse.value('session.status', {})).profiles[0]).toMatchObject({ relayUrl: moved.url, notice: null });
    await eventually(
      async () => (await nurse.value('connection.status', {})).state === 'online',
      20_000,
      'online on its relay',
    );
  }, 60_000);

  it('a RelayUrl whose relay this PC cannot reach securely (certificate not trusted here) moves nobody, and the profile says so', async () => {
    // The relay switched to TLS with a certificate of a CA this workstation does not trust: the
    // check must not count that as "does not answer" (silent, and the old relay may be gone for
    // good), but tell the user to pass it on to IT.
    const caDir = await mkdtemp(join(tmpdir(), 'kf-move-ca-'));
    let tlsRelay: TestRelay | null = null;
    try {
      const ca = await makeCa(caDir, 'unbekannt');
      const cert = await issueServerCert(caDir, ca, 'relay');
      tlsRelay = await startTestRelay({ org: await TestOrg.create(), tls: { cert: cert.fullChain, key: cert.key } });
      await nurse.close();
      nurse = await startCoreClient({ dataDir: nurseDir, policy: relayPolicy(tlsRelay.url) });
      await nurse.value('session.signIn', { profileId: nurseProfile, passphrase: PASS_B });
      expect((await nurse.value('session.status', {})).profiles[0]).toMatchObject({
        relayUrl: moved.url,
        notice: { reason: 'relay_move_blocked', url: tlsRelay.url },
      });
      await eventually(
        async () => (await nurse.value('connection.status', {})).state === 'online',
        20_000,
        'online on its relay',
      );
    } finally {
      await tlsRelay?.dispose();
      await rm(caDir, { recursive: true, force: true });
    }
  }, 60_000);

  it("a RelayUrl naming another organisation's relay moves nobody, and the profile says why", async () => {
    foreign = await startClinicRelay();
    const stranger = await startCoreClient();
    try {
      await stranger.value('org.create', {
        orgName: 'Fremde Klinik',
        displayName: 'Mallory',
        relayUrl: foreign.url,
        setupCode: foreign.setupCode,
        passphrase: PASS_A,
      });
    } finally {
      await stranger.close();
    }
    await nurse.close();
    nurse = await startCoreClient({ dataDir: nurseDir, policy: relayPolicy(foreign.url) });
    await nurse.value('session.signIn', { profileId: nurseProfile, passphrase: PASS_B });
    const profile = (await nurse.value('session.status', {})).profiles[0];
    expect(profile).toMatchObject({ relayUrl: moved.url, notice: { reason: 'relay_move_refused', url: foreign.url } });
    expect(await nurse.value('session.me', {})).toMatchObject({ relayUrl: moved.url });
    // It keeps working on its own organisation's relay.
    await eventually(
      async () => (await nurse.value('connection.status', {})).state === 'online',
      20_000,
      'still online on its relay',
    );
    await admin.value('messages.send', { channelId, body: 'Noch da?' });
    await eventually(
      async () => (await nurse.value('messages.page', { channelId })).messages.find((m) => m.body === 'Noch da?'),
      20_000,
      'message after the refused move',
    );
  }, 120_000);
});
