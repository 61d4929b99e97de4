// Shared workstation through the core and IPC router: two people with their own profile on one
// PC (tenant separation, TI-M A_22718), the clipboard rule, and the 12-hour passphrase rule
// (TI-M A_22716). The admin's workstation runs on the system clock; the shared one on a JumpClock
// (real time that the test can move forward by hours at once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { JumpClock } from '../../harness/jump-clock.ts';
import { eventually } from '../client/client-world.ts';

const PASS_ADMIN = 'Sonnenblume-Station-3';
const PASS_BERND = 'Kaffeepause-Nachtdienst';
const PASS_CLARA = 'Morgenvisite-Intensiv-2';
const PIN_BERND = '482915';
const PIN_CLARA = '730164';
const TEXT_X = 'Bernds Übergabe: Zimmer 12 Verbandswechsel';
const TEXT_Y = 'Claras Befund: Bett 4 Kalium 6,1';

describe('shared workstation: two profiles, clipboard, 12 hours', () => {
  let relay: ClinicRelay;
  let admin: CoreClient;
  let shared: CoreClient;
  const clock = new JumpClock();
  let bernd: string;
  let clara: string;
  let channelX: string;
  let channelY: string;
  let messageX: string;
  let messageY: string;

  beforeAll(async () => {
    relay = await startClinicRelay();
    admin = await startCoreClient();
    shared = await startCoreClient({ clock });
    await admin.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: PASS_ADMIN,
    });
    await admin.value('session.setPin', { pin: '593017' });
    const join = async (displayName: string, passphrase: string, pin: string) => {
      const { userId } = await admin.value('admin.addUser', { displayName, role: 'member', ward: null });
      const letter = await admin.value('admin.createRegistrationKey', { userId });
      const joined = await shared.value('org.join', {
        registrationKey: letter.registrationKey,
        relayUrl: relay.url,
        passphrase,
      });
      await shared.value('session.setPin', { pin });
      return { userId, profileId: joined.profileId };
    };
    const b = await join('Bernd Pflege', PASS_BERND, PIN_BERND);
    const c = await join('Clara Intensiv', PASS_CLARA, PIN_CLARA);
    bernd = b.profileId;
    clara = c.profileId;
    // Channel keys go to the devices the admin knows, so wait until both enrolled devices are known.
    await eventually(
      async () => {
        const devices = await admin.value('admin.deviceList', {});
        return devices.some((d) => d.userId === b.userId) && devices.some((d) => d.userId === c.userId);
      },
      20_000,
      'admin knows both devices',
    );
    ({ channelId: channelX } = await admin.value('channels.create', {
      kind: 'channel',
      name: 'Station 3B',
      memberUserIds: [b.userId],
    }));
    ({ channelId: channelY } = await admin.value('channels.create', {
      kind: 'channel',
      name: 'Intensiv 2',
      memberUserIds: [c.userId],
    }));
    ({ messageId: messageX } = await admin.value('messages.send', { channelId: channelX, body: TEXT_X }));
    ({ messageId: messageY } = await admin.value('messages.send', { channelId: channelY, body: TEXT_Y }));
  }, 90_000);

  afterAll(async () => {
    await shared?.close();
    await admin?.close();
    await relay?.relay.dispose();
  });

  /** Every content call for another person's channel fails as if it did not exist. */
  async function expectUnreachable(channelId: string, messageId: string, word: string): Promise<void> {
    const notFound = { ok: false, error: { code: 'not_found' } };
    expect(await shared.call('channels.get', { channelId })).toMatchObject(notFound);
    expect(await shared.call('messages.send', { channelId, body: 'Darf nicht ankommen' })).toMatchObject(notFound);
    expect(await shared.call('channels.markRead', { channelId, upToSortKey: 1 })).toMatchObject(notFound);
    expect(await shared.call('messages.acks', { channelId, messageId })).toMatchObject({ ok: false });
    expect(await shared.call('clipboard.copyMessage', { channelId, messageId })).toMatchObject(notFound);
    const page = await shared.call('messages.page', { channelId });
    if (page.ok) expect(page.value.messages).toEqual([]);
    else expect(page.error.code).toBe('not_found');
    expect(await shared.value('search.query', { text: word })).toEqual([]);
    expect((await shared.value('channels.list', {})).map((c) => c.channelId)).not.toContain(channelId);
  }

  it('the second person to sign in is on screen; the first is locked and keeps syncing unseen', async () => {
    const status = await shared.value('session.status', {});
    expect(status).toMatchObject({ state: 'unlocked', activeProfileId: clara, profileCount: 2 });
    expect(status.profiles.find((p) => p.profileId === bernd)).toMatchObject({
      signedIn: true,
      locked: true,
      displayName: 'Bernd Pflege',
    });
    // Clara sees her channel and message.
    await eventually(
      async () => (await shared.value('channels.list', {})).some((c) => c.channelId === channelY),
      20_000,
      'Intensiv 2 at Clara',
    );
    const page = await eventually(
      async () => {
        const p = await shared.value('messages.page', { channelId: channelY });
        return p.messages.some((m) => m.body === TEXT_Y) ? p : null;
      },
      20_000,
      'Clara reads her message',
    );
    expect(page.messages.map((m) => m.body)).toEqual([TEXT_Y]);
    // Bernd's locked profile received his message in the background ...
    await eventually(
      async () => (await shared.core.sessions.runtime(bernd)!.profile.store.messages.get(channelX, messageX)) !== null,
      20_000,
      'Bernd synced',
    );
    // ... and nothing of it reached the renderer, which is Clara's.
    const leaked = shared.events.filter((e) => JSON.stringify(e.payload).includes(channelX));
    expect(leaked).toEqual([]);
    expect(JSON.stringify(await shared.value('session.status', {}))).not.toMatch(/Station 3B|Zimmer 12|Intensiv 2/);
  }, 60_000);

  it("no API call from Clara's screen reaches Bernd's channel or messages", async () => {
    await expectUnreachable(channelX, messageX, 'Verbandswechsel');
  }, 30_000);

  it("Bernd unlocks only with his own PIN; then Clara's data is out of reach", async () => {
    expect(await shared.value('session.unlock', { profileId: bernd, pin: PIN_CLARA })).toMatchObject({
      kind: 'wrong_pin',
    });
    expect((await shared.value('session.status', {})).activeProfileId).toBe(clara);
    expect(await shared.value('session.unlock', { profileId: bernd, pin: PIN_BERND })).toEqual({ kind: 'unlocked' });
    const status = await shared.value('session.status', {});
    expect(status.activeProfileId).toBe(bernd);
    expect(status.profiles.find((p) => p.profileId === clara)).toMatchObject({ signedIn: true, locked: true });
    const page = await shared.value('messages.page', { channelId: channelX });
    expect(page.messages.map((m) => m.body)).toEqual([TEXT_X]);
    await expectUnreachable(channelY, messageY, 'Kalium');
  }, 30_000);

  it('while the screen is locked no content method answers at all', async () => {
    await shared.value('session.lock', {});
    const locked = { ok: false, error: { code: 'locked' } };
    expect(await shared.call('channels.list', {})).toMatchObject(locked);
    expect(await shared.call('messages.page', { channelId: channelX })).toMatchObject(locked);
    expect(await shared.call('search.query', { text: 'Zimmer' })).toMatchObject(locked);
    expect(await shared.call('directory.users', {})).toMatchObject(locked);
    expect(await shared.call('session.me', {})).toMatchObject(locked);
    expect(await shared.call('clipboard.copyMessage', { channelId: channelX, messageId: messageX })).toMatchObject(
      locked,
    );
    // The rules stay readable (no content), with no passphrase due date for a locked screen.
    expect(await shared.value('session.rules', {})).toMatchObject({
      idleLockSeconds: 300,
      pinMaxAttempts: 5,
      maxSessionHours: 12,
      notificationContent: 'sender',
      clipboardClearSeconds: 60,
      passphraseDueAt: null,
    });
    expect(await shared.value('session.unlock', { profileId: bernd, pin: PIN_BERND })).toEqual({ kind: 'unlocked' });
  }, 30_000);

  it('copied message text leaves the clipboard after the policy time, and at once on lock', async () => {
    const clipboard = shared.platform.clipboard;
    expect(await shared.value('clipboard.copyMessage', { channelId: channelX, messageId: messageX })).toEqual({
      clearAfterSeconds: 60,
    });
    expect(clipboard.text).toBe(TEXT_X);
    clock.jump(59_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(clipboard.text).toBe(TEXT_X);
    clock.jump(1_000);
    await eventually(() => clipboard.text === '', 10_000, 'clipboard cleared');

    await shared.value('clipboard.copyMessage', { channelId: channelX, messageId: messageX });
    expect(clipboard.text).toBe(TEXT_X);
    await shared.value('session.lock', {});
    await eventually(() => clipboard.text === '', 10_000, 'clipboard cleared on lock');
    expect(await shared.value('session.unlock', { profileId: bernd, pin: PIN_BERND })).toEqual({ kind: 'unlocked' });

    // Something copied elsewhere afterwards is left alone.
    await shared.value('clipboard.copyMessage', { channelId: channelX, messageId: messageX });
    clipboard.text = 'Telefonnummer Labor 4711';
    clock.jump(60_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(clipboard.text).toBe('Telefonnummer Labor 4711');
  }, 30_000);

  it('12 hours after the passphrase every profile is signed out and needs it again; a PIN is not enough', async () => {
    const due = (await shared.value('session.rules', {})).passphraseDueAt!;
    expect(due).toBeGreaterThan(clock.now());
    clock.jump(due - clock.now() - 60_000);
    expect((await shared.value('session.status', {})).state).toBe('unlocked');
    clock.jump(60_000);
    const status = await eventually(
      async () => {
        const s = await shared.value('session.status', {});
        return s.profiles.every((p) => !p.signedIn) ? s : null;
      },
      // Signing out stops two runtimes and closes their stores: seconds on a loaded machine.
      20_000,
      'both signed out',
    );
    expect(status).toMatchObject({ state: 'signed_out', activeProfileId: null, lastSignOutReason: 'session_expired' });
    expect(await shared.call('channels.list', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await shared.value('session.unlock', { profileId: bernd, pin: PIN_BERND })).toEqual({ kind: 'signed_out' });
    expect(shared.core.sessions.runtime(bernd)).toBeUndefined();
    expect(shared.core.sessions.runtime(clara)).toBeUndefined();

    expect((await shared.value('session.signIn', { profileId: bernd, passphrase: PASS_BERND })).state).toBe('unlocked');
    const after = await shared.value('session.status', {});
    expect(after).toMatchObject({ activeProfileId: bernd, pinRequired: false });
    expect((await shared.value('messages.page', { channelId: channelX })).messages.map((m) => m.body)).toEqual([
      TEXT_X,
    ]);
  }, 30_000);
});
