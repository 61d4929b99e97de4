// The first-run and messaging flow through the core and IPC router, two workstations on a real
// relay process: create an organisation, add a user, make a registration key, join with it,
// exchange messages both ways, edit, delete, urgent with acknowledgement, search, lock and PIN.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

const PASS_A = 'Sonnenblume-Station-3';
const PASS_B = 'Kaffeepause-Nachtdienst';

describe('organisation set-up and messaging through the core', () => {
  let relay: ClinicRelay;
  let admin: CoreClient;
  let nurse: CoreClient;
  let channelId: string;
  let nurseUserId: string;

  beforeAll(async () => {
    relay = await startClinicRelay({ verbose: !!process.env.KF_DEBUG });
    admin = await startCoreClient();
    nurse = await startCoreClient();
  }, 60_000);

  afterAll(async () => {
    await admin?.close();
    await nurse?.close();
    await relay?.relay.dispose();
  });

  it('refuses a wrong setup code, then creates the organisation and signs the admin in', async () => {
    const wrong = await admin.call('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: 'A'.repeat(22),
      passphrase: PASS_A,
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'not_permitted' } });

    const { profileId } = await admin.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: PASS_A,
    });
    const status = await admin.value('session.status', {});
    expect(status).toMatchObject({ state: 'unlocked', activeProfileId: profileId, pinRequired: true });
    const me = await admin.value('session.me', {});
    expect(me).toMatchObject({ displayName: 'Anna Admin', role: 'admin', orgName: 'Klinikum Nord', holdsOrgKey: true });
    await eventually(
      async () => (await admin.value('connection.status', {})).state === 'online',
      15_000,
      'admin online',
    );
  }, 60_000);

  it('joins a second workstation with a registration key; typos are caught before anything is sent', async () => {
    ({ userId: nurseUserId } = await admin.value('admin.addUser', {
      displayName: 'Bernd Pflege',
      role: 'member',
      ward: 'Station 3B',
    }));
    const letter = await admin.value('admin.createRegistrationKey', { userId: nurseUserId });
    expect(letter.registrationKey).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
    expect(letter).toMatchObject({ displayName: 'Bernd Pflege', orgName: 'Klinikum Nord', relayUrl: relay.url });

    const typo = letter.registrationKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    expect(await nurse.value('org.checkRegistrationKey', { registrationKey: typo })).toMatchObject({
      valid: false,
      problem: 'checksum',
    });
    expect(
      await nurse.call('org.join', { registrationKey: typo, relayUrl: relay.url, passphrase: PASS_B }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(
      await nurse.value('org.checkRegistrationKey', { registrationKey: letter.registrationKey.toLowerCase() }),
    ).toEqual({ valid: true, problem: null });

    const joined = await nurse.value('org.join', {
      registrationKey: letter.registrationKey,
      relayUrl: relay.url,
      passphrase: PASS_B,
    });
    expect(joined.displayName).toBe('Bernd Pflege');
    await eventually(
      async () => (await nurse.value('connection.status', {})).state === 'online',
      15_000,
      'nurse online',
    );
    expect(await nurse.value('session.me', {})).toMatchObject({
      userId: nurseUserId,
      role: 'member',
      ward: 'Station 3B',
      holdsOrgKey: false,
    });

    // The key is single-use: a third workstation cannot enrol with it.
    const third = await startCoreClient();
    try {
      const again = await third.call('org.join', {
        registrationKey: letter.registrationKey,
        relayUrl: relay.url,
        passphrase: PASS_B,
      });
      expect(again).toMatchObject({ ok: false, error: { code: 'not_found' } });
    } finally {
      await third.close();
    }
  }, 60_000);

  it('a member cannot use admin functions', async () => {
    expect(await nurse.call('admin.addUser', { displayName: 'Eve', role: 'admin', ward: null })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
  });

  it('exchanges messages both ways, with mention, reply, edit, delete', async () => {
    await eventually(
      async () => (await admin.value('directory.users', {})).some((u) => u.userId === nurseUserId),
      10_000,
      'directory has nurse',
    );
    ({ channelId } = await admin.value('channels.create', {
      kind: 'channel',
      name: 'Station 3B',
      topic: 'Übergaben',
      memberUserIds: [nurseUserId],
    }));
    const sent = await admin.value('messages.send', {
      channelId,
      body: 'Übergabe um 14 Uhr, @Bernd bitte Zimmer 12',
      mentions: [nurseUserId],
    });

    const nurseChannel = await eventually(
      async () => (await nurse.value('channels.list', {})).find((c) => c.channelId === channelId && c.unreadCount > 0),
      15_000,
      'message at nurse',
    );
    expect(nurseChannel).toMatchObject({ name: 'Station 3B', kind: 'channel', mentionCount: 1, unreadCount: 1 });
    const page = await nurse.value('messages.page', { channelId });
    expect(page.messages.at(-1)).toMatchObject({
      messageId: sent.messageId,
      body: 'Übergabe um 14 Uhr, @Bernd bitte Zimmer 12',
      senderName: 'Anna Admin',
      mentionsMe: true,
      own: false,
    });

    await nurse.value('messages.send', { channelId, body: 'Verstanden', replyTo: sent.messageId });
    const reply = await eventually(
      async () => (await admin.value('messages.page', { channelId })).messages.find((m) => m.body === 'Verstanden'),
      15_000,
      'reply at admin',
    );
    expect(reply.replyTo).toMatchObject({ messageId: sent.messageId, senderName: 'Anna Admin' });
    expect(reply.senderName).toBe('Bernd Pflege');

    await admin.value('messages.edit', { channelId, messageId: sent.messageId, body: 'Übergabe um 15 Uhr' });
    await eventually(
      async () =>
        (await nurse.value('messages.page', { channelId })).messages.find(
          (m) => m.messageId === sent.messageId && m.editedAt !== null,
        ),
      15_000,
      'edit at nurse',
    );

    // Only the sender may change a message.
    expect(await nurse.call('messages.delete', { channelId, messageId: sent.messageId })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    await admin.value('messages.delete', { channelId, messageId: sent.messageId });
    const tomb = await eventually(
      async () =>
        (await nurse.value('messages.page', { channelId })).messages.find(
          (m) => m.messageId === sent.messageId && m.deleted,
        ),
      15_000,
      'tombstone at nurse',
    );
    expect(tomb.body).toBe('');
    // The sender's own edit and deletion take effect on its own workstation too.
    await eventually(
      async () =>
        (await admin.value('messages.page', { channelId })).messages.find(
          (m) => m.messageId === sent.messageId && m.deleted,
        ),
      15_000,
      'tombstone at admin',
    );
    expect((await admin.value('channels.list', {})).map((c) => c.name)).toContain('Station 3B');
  }, 60_000);

  it('an urgent message shows who acknowledged and who has not', async () => {
    const { messageId } = await admin.value('messages.send', {
      channelId,
      body: 'Notfall Zimmer 7, bitte bestätigen',
      urgent: true,
    });
    await eventually(
      async () => (await nurse.value('messages.page', { channelId })).messages.find((m) => m.messageId === messageId),
      15_000,
      'urgent at nurse',
    );
    expect(await admin.value('messages.acks', { channelId, messageId })).toEqual({
      acked: [],
      pending: [{ userId: nurseUserId, displayName: 'Bernd Pflege' }],
    });
    await nurse.value('messages.ack', { channelId, messageId });
    const acks = await eventually(
      async () => {
        const a = await admin.value('messages.acks', { channelId, messageId });
        return a.acked.length === 1 ? a : null;
      },
      15_000,
      'ack at admin',
    );
    expect(acks.acked[0]).toMatchObject({ userId: nurseUserId, displayName: 'Bernd Pflege' });
    expect(acks.pending).toEqual([]);
    const view = (await admin.value('messages.page', { channelId })).messages.find((m) => m.messageId === messageId);
    expect(view?.ack).toEqual({ acked: 1, total: 1, mine: false });
  }, 30_000);

  it('search finds an umlaut word typed without the umlaut, and jumps into context', async () => {
    await admin.value('messages.send', { channelId, body: 'Übergabeprotokoll liegt im Stationszimmer' });
    const hits = await eventually(
      async () => {
        const found = await nurse.value('search.query', { text: 'Ubergabeprot' });
        return found.length > 0 ? found : null;
      },
      15_000,
      'search hit',
    );
    expect(hits[0]).toMatchObject({ channelName: 'Station 3B', senderName: 'Anna Admin', kind: 'message' });
    expect(hits[0]!.snippet).toContain('Übergabeprotokoll');
    // The edited-then-deleted message is gone from search too.
    expect(await nurse.value('search.query', { text: 'Zimmer 12' })).toEqual([]);
    const around = await nurse.value('messages.page', { channelId, aroundSortKey: hits[0]!.sortKey, limit: 10 });
    expect(around.messages.some((m) => m.sortKey === hits[0]!.sortKey)).toBe(true);
  }, 30_000);

  it('the notification of a new message carries no body under the default policy', async () => {
    const before = nurse.platform.notifier.shown.length;
    await admin.value('messages.send', { channelId, body: 'Patient Müller Zimmer 4 Blutdruck 180/110' });
    await eventually(() => nurse.platform.notifier.shown.length > before, 15_000, 'notification');
    const shown = nurse.platform.notifier.shown.at(-1)!;
    expect(shown.title).toContain('Anna Admin');
    expect(shown.body).toBeUndefined();
    expect(JSON.stringify(shown)).not.toContain('Müller');
  }, 30_000);

  it('locks, refuses content while locked, unlocks with the PIN; trivial PINs are refused', async () => {
    expect(await nurse.call('session.setPin', { pin: '123456' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    await nurse.value('session.setPin', { pin: '482915' });
    const locked = await nurse.value('session.lock', {});
    expect(locked.state).toBe('locked');
    expect(await nurse.call('messages.page', { channelId })).toMatchObject({ ok: false, error: { code: 'locked' } });
    const profileId = locked.profiles[0]!.profileId;
    expect(await nurse.value('session.unlock', { profileId, pin: '000000' })).toMatchObject({
      kind: 'wrong_pin',
      attemptsLeft: 4,
    });
    expect(await nurse.value('session.unlock', { profileId, pin: '482915' })).toEqual({ kind: 'unlocked' });
    expect((await nurse.value('messages.page', { channelId })).messages.length).toBeGreaterThan(0);
  }, 30_000);

  it('signs out, refuses a wrong passphrase with its own code, signs in again offline-capable', async () => {
    const profileId = (await admin.value('session.me', {})).profileId;
    expect((await admin.value('session.signOut', {})).state).toBe('signed_out');
    expect(await admin.call('channels.list', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await admin.call('session.signIn', { profileId, passphrase: 'falsch-falsch-falsch' })).toMatchObject({
      ok: false,
      error: { code: 'wrong_passphrase' },
    });
    expect((await admin.value('session.signIn', { profileId, passphrase: PASS_A })).state).toBe('unlocked');
    expect((await admin.value('channels.list', {})).map((c) => c.name)).toContain('Station 3B');
  }, 30_000);

  it('revoking a device with a wipe order ends its session and deletes its profile folder', async () => {
    const devices = await admin.value('admin.deviceList', {});
    const nurseDevice = devices.find((d) => d.userId === nurseUserId && !d.revoked);
    expect(nurseDevice).toBeDefined();
    expect(devices.find((d) => d.own)?.userName).toBe('Anna Admin');
    const profileId = (await nurse.value('session.me', {})).profileId;
    expect(existsSync(join(nurse.dataDir, profileId))).toBe(true);

    await admin.value('admin.revokeDevice', { deviceId: nurseDevice!.deviceId, wipe: true, reason: 'Gerät verloren' });
    await eventually(async () => (await nurse.value('session.status', {})).profileCount === 0, 20_000, 'nurse wiped');
    expect(existsSync(join(nurse.dataDir, profileId))).toBe(false);
    const status = await nurse.value('session.status', {});
    expect(status).toMatchObject({ state: 'no_profiles', lastSignOutReason: 'wiped' });
    expect(await nurse.call('channels.list', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect((await admin.value('admin.deviceList', {})).find((d) => d.deviceId === nurseDevice!.deviceId)?.revoked).toBe(
      true,
    );
  }, 40_000);
});
