// profile.json holds the only copy of the wrapped DB key: a rename that reaches the disk before the
// new file's bytes do (power cut on NTFS or ext4 without auto_da_alloc) leaves an empty
// profile.json and a profile nobody can open again. So every replacement in a profile folder must
// flush the new file before the rename, and the folder after it. A power cut cannot be staged
// here; the file system calls are observed instead (the only stand-in in this test: real files
// are still written).
import type * as FsPromises from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';

const journal = vi.hoisted(() => ({ events: [] as string[] }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const open: typeof real.open = async (...args: Parameters<typeof real.open>) => {
    const handle = await real.open(...args);
    const path = String(args[0]);
    const sync = handle.sync.bind(handle);
    const close = handle.close.bind(handle);
    handle.sync = async () => {
      await sync();
      journal.events.push(`sync ${path}`);
    };
    handle.close = async () => {
      await close();
      journal.events.push(`close ${path}`);
    };
    return handle;
  };
  const rename: typeof real.rename = async (from, to) => {
    await real.rename(from, to);
    journal.events.push(`rename ${String(from)} -> ${String(to)}`);
  };
  return { ...real, open, rename, default: { ...real, open, rename } };
});

const { testing } = await import('../../../apps/desktop/electron/core/crypto/kdf.ts');
const { readySodium } = await import('@klinikfunk/crypto/sodium.ts');
const { FakeSafeStorage } = await import('../../../apps/desktop/electron/core/platform/fakes.ts');
const { ProfileManager } = await import('../../../apps/desktop/electron/core/session/profiles.ts');
const { tempDir } = await import('../store/helpers.ts');

const KDF = { alg: 'argon2id13' as const, opsLimit: 1, memLimitBytes: 8 * 1024 * 1024 };
const PASS = 'Nachtdienst-Station-3B';

beforeAll(async () => {
  await readySodium();
  testing.allowWeakKdf = true;
});

/** Every rename into the folder was preceded by a flush of the file renamed, and followed by a flush of the folder. */
function expectDurableReplacements(dir: string, names: string[]) {
  const renames = journal.events.map((e, i) => ({ e, i })).filter(({ e }) => e.startsWith('rename '));
  for (const name of names)
    expect(
      renames.some(({ e }) => e.endsWith(` -> ${join(dir, name)}`)),
      `${name} replaced`,
    ).toBe(true);
  for (const { e, i } of renames) {
    const [from, to] = e.slice('rename '.length).split(' -> ') as [string, string];
    if (!to.startsWith(dir)) continue;
    const before = journal.events.slice(0, i);
    expect(before, `${from} flushed before the rename`).toContain(`sync ${from}`);
    expect(before.lastIndexOf(`close ${from}`), `${from} closed before the rename`).toBeGreaterThan(
      before.lastIndexOf(`sync ${from}`),
    );
    if (process.platform !== 'win32')
      expect(journal.events.slice(i + 1), `${dir} flushed after the rename`).toContain(`sync ${dir}`);
  }
}

describe('profile files reach the disk before they replace the old ones', () => {
  it('creating, upgrading, counting a wrong passphrase and changing the passphrase flush file and folder', async () => {
    const root = tempDir();
    // Created without an OS store, so the next sign-in (with one) rewrites profile.json.
    const plain = new ProfileManager({ rootDir: root, kdf: KDF });
    const created = await plain.create({ displayName: 'Anna Berger', passphrase: PASS });
    plain.close(created);
    const dir = join(root, created.summary.profileId);
    expectDurableReplacements(dir, ['profile.json']);

    journal.events.length = 0;
    const profiles = new ProfileManager({ rootDir: root, kdf: KDF, safeStorage: new FakeSafeStorage('anna.berger') });
    await expect(profiles.open(created.summary.profileId, 'falsch')).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });
    profiles.close(await profiles.open(created.summary.profileId, PASS));
    expectDurableReplacements(dir, ['attempts.json', 'profile.json']);

    journal.events.length = 0;
    await profiles.changePassphrase(created.summary.profileId, PASS, 'Frühdienst mit Kaffee');
    expectDurableReplacements(dir, ['profile.json']);
    profiles.close(await profiles.open(created.summary.profileId, 'Frühdienst mit Kaffee'));
  });
});
