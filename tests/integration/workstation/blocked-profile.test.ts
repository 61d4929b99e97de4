// A shared ward PC with two profiles; the administration deactivates one user and revokes the
// other's device. Each notice belongs to the profile concerned (on its tile, with the reason and
// time), the other profile goes on working, and the admin's device list says what happened.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

describe('revocation and deactivation on a shared workstation', () => {
  let relay: ClinicRelay;
  let admin: CoreClient;
  let ward: CoreClient;
  let wardDir: string;
  const ids: Record<'bernd' | 'clara', { userId: string; profileId: string; deviceId: string }> = {} as never;

  beforeAll(async () => {
    relay = await startClinicRelay({ verbose: !!process.env.KF_DEBUG });
    admin = await startCoreClient();
    wardDir = await mkdtemp(join(tmpdir(), 'kf-ward-'));
    ward = await startCoreClient({ dataDir: wardDir });
    await admin.value('org.create', {
      orgName: 'Klinikum Mitte',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: 'Sonnenblume-Station-3',
    });
    await eventually(
      async () => (await admin.value('connection.status', {})).state === 'online',
      15_000,
      'admin online',
    );
    for (const [key, name] of [
      ['bernd', 'Bernd Pflege'],
      ['clara', 'Clara Nacht'],
    ] as const) {
      const { userId } = await admin.value('admin.addUser', { displayName: name, role: 'member', ward: '3B' });
      const letter = await admin.value('admin.createRegistrationKey', { userId });
      const { profileId } = await ward.value('org.join', {
        registrationKey: letter.registrationKey,
        relayUrl: relay.url,
        passphrase: `Kaffeepause-${key}-Nachtdienst`,
      });
      await ward.value('session.setPin', { pin: '482915' });
      await eventually(
        async () => (await ward.value('connection.status', {})).state === 'online',
        15_000,
        `${name} online`,
      );
      ids[key] = { userId, profileId, deviceId: (await ward.value('session.me', {})).deviceId };
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.all([admin?.close(), ward?.close()]);
    await relay?.relay.dispose();
    await rm(wardDir, { recursive: true, force: true });
  });

  const profile = async (key: 'bernd' | 'clara') =>
    (await ward.value('session.status', {})).profiles.find((p) => p.profileId === ids[key].profileId)!;

  it('a deactivated user: only that profile is signed out, with the reason on its own tile', async () => {
    const before = Date.now();
    await admin.value('admin.updateUser', { userId: ids.clara.userId, active: false });
    await eventually(async () => !(await profile('clara')).signedIn, 20_000, 'Clara signed out');
    const clara = await profile('clara');
    expect(clara.notice?.reason).toBe('deactivated');
    expect(clara.notice!.at).toBeGreaterThanOrEqual(before);
    // Bernd is untouched: still signed in (locked when Clara was on screen), and no notice.
    const bernd = await profile('bernd');
    expect(bernd).toMatchObject({ signedIn: true, notice: null });
    // The admin's list does not call the deactivated user's device active.
    const device = (await admin.value('admin.deviceList', {})).find((d) => d.deviceId === ids.clara.deviceId)!;
    expect(device).toMatchObject({ revoked: false, userActive: false });
  }, 40_000);

  it('signing in the deactivated profile again comes back to its notice, never silently', async () => {
    await ward.value('session.signIn', { profileId: ids.clara.profileId, passphrase: 'Kaffeepause-clara-Nachtdienst' });
    await eventually(async () => !(await profile('clara')).signedIn, 20_000, 'Clara refused again');
    expect((await profile('clara')).notice?.reason).toBe('deactivated');
    expect((await profile('bernd')).notice).toBeNull();
  }, 40_000);

  it('a revoked device: that profile gets "revoked", and the list shows the device as revoked', async () => {
    await ward.value('session.unlock', { profileId: ids.bernd.profileId, pin: '482915' });
    await admin.value('admin.revokeDevice', { deviceId: ids.bernd.deviceId, wipe: false, reason: 'Gerät verloren' });
    await eventually(async () => !(await profile('bernd')).signedIn, 20_000, 'Bernd signed out');
    expect((await profile('bernd')).notice?.reason).toBe('revoked');
    expect((await profile('clara')).notice?.reason).toBe('deactivated');
    const device = (await admin.value('admin.deviceList', {})).find((d) => d.deviceId === ids.bernd.deviceId)!;
    expect(device).toMatchObject({ revoked: true, userActive: true });
  }, 40_000);

  it('the notices survive a restart of the workstation', async () => {
    await ward.close();
    ward = await startCoreClient({ dataDir: wardDir });
    expect((await profile('bernd')).notice?.reason).toBe('revoked');
    expect((await profile('clara')).notice?.reason).toBe('deactivated');
  }, 30_000);
});
