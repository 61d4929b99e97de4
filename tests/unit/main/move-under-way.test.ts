// The desktop app's start in apps/desktop/electron/main/main.ts while another start is still moving the data
// folder (a double click when the first start shows no window yet, core/app/move-lock.ts): this
// start sets no data folder, asks for no single-instance lock (it would get one for a folder the
// first start is about to leave) and quits. Electron's `app` is stood in for as in
// second-instance.test.ts; the process poses as Windows, where local and roaming app data differ.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { calls, state } from './electron-stand-in.ts';

vi.mock('electron', () => import('./electron-stand-in.ts'));
// The real guards would stay installed in the test worker.
vi.mock('../../../packages/node-common/process-guard.ts', () => ({ installProcessGuards: () => () => undefined }));

describe('a start while another start moves the data folder', () => {
  let root: string;
  let local: string;
  const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
  const localAppData = process.env.LOCALAPPDATA;
  let stderr: ReturnType<typeof vi.spyOn>;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kf-moving-'));
    state.userData = join(root, 'Roaming', 'Klinikfunk');
    state.singleInstanceLock = true;
    local = join(root, 'Local', 'Klinikfunk');
    await mkdir(join(state.userData, 'profiles', 'p1'), { recursive: true });
    await writeFile(join(state.userData, 'profiles', 'p1', 'store.db'), 'x');
    // The first start, alive (the test runner that started this worker), holds the move lock.
    await mkdir(join(root, 'Local'), { recursive: true });
    await writeFile(`${local}.move-lock`, `${process.ppid} ${Math.round(Date.now() - uptime() * 1000)}`);
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

  it('quits without setting a data folder or asking for the single-instance lock, and touches neither folder', async () => {
    await import('../../../apps/desktop/electron/main/main.ts');
    expect(calls).toContain('quit');
    expect(calls.filter((c) => c.startsWith('setPath'))).toEqual([]);
    expect(calls).not.toContain('requestSingleInstanceLock');
    expect(calls).not.toContain('whenReady');
    expect(await readdir(state.userData)).toEqual(['profiles']);
    expect(await readdir(join(root, 'Local'))).toEqual(['Klinikfunk.move-lock']);
  });
});
