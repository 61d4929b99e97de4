// Guessing at the keyboard, through the core and IPC router with a real relay: 30 PINs or 30
// passphrases fired at once meet the backoff the first wrong ones set (Argon2id runs are counted
// through the SecretKdf seam, not timed); the passphrase wait survives a restart of the app; a
// profile folder taken to another Windows account does not open.
import { cpSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argon2idSecrets, type SecretKdf } from '../../../apps/desktop/electron/core/session/secret-kdf.ts';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { JumpClock } from '../../harness/jump-clock.ts';

const PASS = 'Sonnenblume-Station-3';
const PIN = '593017';
const OS_USER = 'station3b';

function counting(): SecretKdf & { unwraps: number; verifies: number } {
  const seam = {
    unwraps: 0,
    verifies: 0,
    unwrap: (...args: Parameters<SecretKdf['unwrap']>) => {
      seam.unwraps++;
      return argon2idSecrets.unwrap(...args);
    },
    verify: (...args: Parameters<SecretKdf['verify']>) => {
      seam.verifies++;
      return argon2idSecrets.verify(...args);
    },
  };
  return seam;
}

describe('unlock attempts are throttled before Argon2id', () => {
  let relay: ClinicRelay;
  let client: CoreClient;
  let dataDir: string;
  let profileId: string;
  const clock = new JumpClock();
  const seam = counting();
  const extraDirs: string[] = [];

  beforeAll(async () => {
    relay = await startClinicRelay();
    dataDir = await mkdtemp(join(tmpdir(), 'kf-throttle-'));
    client = await startCoreClient({ dataDir, clock, secrets: seam, osUser: OS_USER });
    ({ profileId } = await client.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: PASS,
    }));
    await client.value('session.setPin', { pin: PIN });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await relay?.relay.dispose();
    for (const dir of [dataDir, ...extraDirs]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('30 wrong PINs at once: three Argon2id checks, the rest wait; the right PIN waits too', async () => {
    await client.value('session.lock', {});
    seam.verifies = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        client.value('session.unlock', { profileId, pin: String(100000 + i * 7919) }),
      ),
    );
    expect(seam.verifies).toBe(3);
    expect(outcomes.filter((o) => o.kind === 'wrong_pin')).toHaveLength(3);
    expect(outcomes.filter((o) => o.kind === 'too_soon')).toHaveLength(27);
    expect(await client.value('session.unlock', { profileId, pin: PIN })).toMatchObject({ kind: 'too_soon' });
    expect(seam.verifies).toBe(3);
    clock.jump(2_000);
    expect(await client.value('session.unlock', { profileId, pin: PIN })).toEqual({ kind: 'unlocked' });
  }, 30_000);

  it('30 wrong passphrases at once: three Argon2id runs, the rest answer too_many_attempts', async () => {
    await client.value('session.signOut', {});
    seam.unwraps = 0;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => client.call('session.signIn', { profileId, passphrase: `geraten-${i}` })),
    );
    expect(seam.unwraps).toBe(3);
    const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
    expect(codes.filter((c) => c === 'wrong_passphrase')).toHaveLength(3);
    expect(codes.filter((c) => c === 'too_many_attempts')).toHaveLength(27);
    expect(await client.call('session.signIn', { profileId, passphrase: PASS })).toMatchObject({
      ok: false,
      error: { code: 'too_many_attempts' },
    });
    expect(seam.unwraps).toBe(3);
  }, 30_000);

  it('the passphrase wait survives a restart of the app, then the right passphrase opens', async () => {
    await client.close();
    client = await startCoreClient({ dataDir, clock, secrets: seam, osUser: OS_USER });
    expect(await client.call('session.signIn', { profileId, passphrase: PASS })).toMatchObject({
      ok: false,
      error: { code: 'too_many_attempts' },
    });
    expect(seam.unwraps).toBe(3);
    clock.jump(2_000);
    expect(await client.value('session.signIn', { profileId, passphrase: PASS })).toMatchObject({
      state: 'unlocked',
      activeProfileId: profileId,
    });
    expect(seam.unwraps).toBe(4);
  }, 30_000);

  it('the profile folder copied to another Windows account answers secure_store_unavailable, with no Argon2id run', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'kf-throttle-copy-'));
    extraDirs.push(copy);
    cpSync(join(dataDir, profileId), join(copy, profileId), { recursive: true });
    const elsewhere = await startCoreClient({ dataDir: copy, clock, secrets: seam, osUser: 'anderer.nutzer' });
    try {
      const before = seam.unwraps;
      expect(await elsewhere.call('session.signIn', { profileId, passphrase: PASS })).toMatchObject({
        ok: false,
        error: { code: 'secure_store_unavailable' },
      });
      expect(seam.unwraps).toBe(before);
    } finally {
      await elsewhere.close();
    }
  }, 30_000);
});
