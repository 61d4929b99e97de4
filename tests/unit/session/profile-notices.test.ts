// The per-profile notices file (profile-notices.json): read through its schema, and one failed
// write (a virus scanner holding the file on Windows, a full disk) must not stop every later one.
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileNotices } from '../../../apps/desktop/electron/core/session/profile-notices.ts';

const anna = '0b9e7c52-3f1a-4c56-9d2e-1a2b3c4d5e6f';
const ben = '7d3e1f00-aa11-4b22-8c33-445566778899';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kf-notices-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('profile notices file', () => {
  it('a write that failed does not make every later write fail', async () => {
    const notices = new ProfileNotices(dir);
    // The file's place is taken by a folder, so the rename fails once.
    await mkdir(join(dir, 'profile-notices.json'));
    await expect(notices.set(anna, { reason: 'revoked', at: 1 })).rejects.toThrow();
    await rmdir(join(dir, 'profile-notices.json'));
    await notices.set(ben, { reason: 'deactivated', at: 2 });
    const written = JSON.parse(await readFile(join(dir, 'profile-notices.json'), 'utf8')) as Record<string, unknown>;
    expect(written[ben]).toEqual({ reason: 'deactivated', at: 2 });
    const reread = new ProfileNotices(dir);
    await reread.load();
    expect(reread.get(ben)).toEqual({ reason: 'deactivated', at: 2 });
  });

  it('a file that does not match the schema is ignored with a message, never trusted', async () => {
    const problems: string[] = [];
    await writeFile(join(dir, 'profile-notices.json'), JSON.stringify({ [anna]: { reason: 'wiped', at: 1 } }));
    const notices = new ProfileNotices(dir, (m) => problems.push(m));
    await notices.load();
    expect(notices.get(anna)).toBeNull();
    expect(problems).toHaveLength(1);
  });
});
