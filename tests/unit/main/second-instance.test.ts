// The desktop app's start-up order in apps/desktop/electron/main/main.ts, against a stand-in for Electron's
// `app` (the binary cannot run here): the data folder is settled and made Electron's userData
// before the single-instance lock is asked for (the lock is per userData), and a second start,
// which does not get the lock, quits without ever writing the log file, though it logged lines
// (here: the data folder it could not move) before it knew it was the second. The process poses
// as Windows (process.platform, LOCALAPPDATA), where local and roaming app data differ; reg.exe is
// missing here, which the policy reader takes as no registry policy.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { calls, state } from './electron-stand-in.ts';

vi.mock('electron', () => import('./electron-stand-in.ts'));
// The real guards would stay installed in the test worker.
vi.mock('../../../packages/node-common/process-guard.ts', () => ({ installProcessGuards: () => () => undefined }));

describe('a second start of the desktop app', () => {
  let root: string;
  let local: string;
  let stderr: ReturnType<typeof vi.spyOn>;
  const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
  const localAppData = process.env.LOCALAPPDATA;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kf-second-'));
    state.userData = join(root, 'Roaming', 'Klinikfunk');
    state.singleInstanceLock = false;
    local = join(root, 'Local', 'Klinikfunk');
    // Profiles in both places: the roaming folder cannot move, and the start logs a warning.
    for (const dir of [state.userData, local]) {
      await mkdir(join(dir, 'profiles', 'p1'), { recursive: true });
      await writeFile(join(dir, 'profiles', 'p1', 'store.db'), 'x');
    }
    Object.defineProperty(process, 'platform', { ...platform, value: 'win32' });
    process.env.LOCALAPPDATA = join(root, 'Local');
    stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterAll(async () => {
    stderr.mockRestore();
    Object.defineProperty(process, 'platform', platform);
    if (localAppData === undefined) delete process.env.LOCALAPPDATA;
    else process.env.LOCALAPPDATA = localAppData;
    await rm(root, { recursive: true, force: true });
  });

  it('settles the data folder before the lock, quits without the lock and writes no log file', async () => {
    await import('../../../apps/desktop/electron/main/main.ts');
    const lock = calls.indexOf('requestSingleInstanceLock');
    expect(lock).toBeGreaterThan(-1);
    expect(calls.indexOf(`setPath userData ${state.userData}`)).toBeGreaterThan(-1);
    expect(calls.indexOf(`setPath userData ${state.userData}`)).toBeLessThan(lock);
    expect(calls.slice(lock + 1)).toEqual(['quit']);
    expect(calls).not.toContain('whenReady');
    // The line was logged (stderr) before the lock, but no log file was opened for it.
    expect(
      (stderr.mock.calls as unknown[][]).some(([chunk]) =>
        String(chunk).includes('data folder stays in its old place'),
      ),
    ).toBe(true);
    // A log file writes in the background: give one that was wrongly opened time to appear.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await readdir(state.userData)).toEqual(['profiles']);
    expect(await readdir(local)).toEqual(['profiles']);
  });
});
