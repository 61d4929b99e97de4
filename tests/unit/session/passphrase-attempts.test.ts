// Wrong passphrases are counted per profile on disk and answered with the PIN's backoff, checked
// before any Argon2id runs; attempts on one profile run one at a time. Argon2id runs are counted
// through the SecretKdf seam (never timed); time is a FakeClock.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import { testing } from '../../../apps/desktop/electron/core/crypto/kdf.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { FakeSafeStorage } from '../../../apps/desktop/electron/core/platform/fakes.ts';
import { backoffSeconds } from '../../../apps/desktop/electron/core/session/attempt-backoff.ts';
import { ProfileManager, type ProfileError } from '../../../apps/desktop/electron/core/session/profiles.ts';
import { argon2idSecrets, type SecretKdf } from '../../../apps/desktop/electron/core/session/secret-kdf.ts';
import { tempDir } from '../store/helpers.ts';

const KDF = { alg: 'argon2id13' as const, opsLimit: 1, memLimitBytes: 8 * 1024 * 1024 };
const PASS = 'Nachtdienst-Station-3B';

beforeAll(async () => {
  await readySodium();
  testing.allowWeakKdf = true;
});

function counting(): SecretKdf & { runs: number } {
  const seam = {
    runs: 0,
    unwrap: (...args: Parameters<SecretKdf['unwrap']>) => {
      seam.runs++;
      return argon2idSecrets.unwrap(...args);
    },
    verify: argon2idSecrets.verify,
  };
  return seam;
}

async function setup() {
  const root = tempDir();
  const clock = new FakeClock();
  const seam = counting();
  const make = () =>
    new ProfileManager({ rootDir: root, kdf: KDF, clock, secrets: seam, safeStorage: new FakeSafeStorage() });
  const profiles = make();
  const created = await profiles.create({ displayName: 'Anna', passphrase: PASS });
  profiles.close(created);
  return { root, clock, seam, profiles, make, profileId: created.summary.profileId };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'opened',
    (error: ProfileError) => error.code,
  );

describe('passphrase attempts', () => {
  it('30 wrong passphrases fired at once run Argon2id three times; the rest meet the backoff', async () => {
    const t = await setup();
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, () => codeOf(t.profiles.open(t.profileId, 'geraten'))),
    );
    expect(t.seam.runs).toBe(3);
    expect(outcomes.filter((c) => c === 'wrong_passphrase')).toHaveLength(3);
    expect(outcomes.filter((c) => c === 'too_soon')).toHaveLength(27);
  });

  it('the right passphrase during the backoff is refused without running Argon2id, and accepted after it', async () => {
    const t = await setup();
    for (let wrong = 1; wrong <= 4; wrong++) {
      await expect(t.profiles.open(t.profileId, `falsch ${wrong}`)).rejects.toMatchObject({ code: 'wrong_passphrase' });
      if (wrong < 4) t.clock.advance(backoffSeconds(wrong) * 1000);
    }
    const runs = t.seam.runs;
    const refused = await t.profiles.open(t.profileId, PASS).catch((error: ProfileError) => error);
    expect(refused).toMatchObject({ code: 'too_soon', retryAt: t.clock.now() + backoffSeconds(4) * 1000 });
    expect(t.seam.runs).toBe(runs);
    t.clock.advance(backoffSeconds(4) * 1000);
    const opened = await t.profiles.open(t.profileId, PASS);
    t.profiles.close(opened);
    // A success starts the count again: the next typo costs no wait.
    expect(JSON.parse(readFileSync(join(t.root, t.profileId, 'attempts.json'), 'utf8'))).toMatchObject({ wrong: 0 });
    await expect(t.profiles.open(t.profileId, 'Tippfehler')).rejects.toMatchObject({ code: 'wrong_passphrase' });
    const again = await t.profiles.open(t.profileId, PASS);
    t.profiles.close(again);
  });

  it('the count and the wait survive a restart of the app', async () => {
    const t = await setup();
    for (let i = 0; i < 3; i++)
      await expect(t.profiles.open(t.profileId, `falsch ${i}`)).rejects.toMatchObject({ code: 'wrong_passphrase' });
    const restarted = t.make();
    const runs = t.seam.runs;
    await expect(restarted.open(t.profileId, PASS)).rejects.toMatchObject({ code: 'too_soon' });
    expect(t.seam.runs).toBe(runs);
    t.clock.advance(backoffSeconds(3) * 1000);
    // The fourth wrong one after the restart waits longer than the third did.
    await expect(restarted.open(t.profileId, 'falsch 3')).rejects.toMatchObject({
      code: 'wrong_passphrase',
      retryAt: t.clock.now() + backoffSeconds(4) * 1000,
    });
  });

  it('changing the passphrase is throttled the same way (it takes the old passphrase)', async () => {
    const t = await setup();
    for (let i = 0; i < 3; i++)
      await expect(t.profiles.changePassphrase(t.profileId, `falsch ${i}`, 'neu neu neu')).rejects.toMatchObject({
        code: 'wrong_passphrase',
      });
    const runs = t.seam.runs;
    await expect(t.profiles.changePassphrase(t.profileId, PASS, 'neu neu neu')).rejects.toMatchObject({
      code: 'too_soon',
    });
    expect(t.seam.runs).toBe(runs);
  });

  it('a wait counted while the PC clock ran ahead lasts no longer than the schedule once the clock is put right', async () => {
    const t = await setup();
    const month = 30 * 24 * 3600 * 1000;
    t.clock.advance(month);
    for (let i = 0; i < 3; i++)
      await expect(t.profiles.open(t.profileId, `falsch ${i}`)).rejects.toMatchObject({ code: 'wrong_passphrase' });
    t.clock.advance(-month);
    const refused = (await t.profiles.open(t.profileId, PASS).catch((error: ProfileError) => error)) as ProfileError;
    expect(refused.code).toBe('too_soon');
    expect(refused.retryAt).toBeLessThanOrEqual(t.clock.now() + backoffSeconds(3) * 1000);
    // The bound holds across checks (it does not move along with the clock), and across a restart.
    t.clock.advance(backoffSeconds(3) * 1000);
    const opened = await t.make().open(t.profileId, PASS);
    t.profiles.close(opened);
  });

  it("one profile's wrong passphrases never slow down another's", async () => {
    const t = await setup();
    const ben = await t.profiles.create({ displayName: 'Ben', passphrase: 'Frühdienst mit Kaffee' });
    t.profiles.close(ben);
    for (let i = 0; i < 5; i++) await codeOf(t.profiles.open(t.profileId, `falsch ${i}`));
    const opened = await t.profiles.open(ben.summary.profileId, 'Frühdienst mit Kaffee');
    t.profiles.close(opened);
  });
});
