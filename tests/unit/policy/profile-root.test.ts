import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';
import { expandProfileRoot, profileRootSchema } from '../../../apps/desktop/electron/core/policy/profile-root.ts';

const WINDOWS_ENV = {
  USERNAME: 'pflege3b',
  USERPROFILE: 'C:\\Users\\pflege3b',
  LOCALAPPDATA: 'C:\\Users\\pflege3b\\AppData\\Local',
  APPDATA: '\\\\fs01\\redirect$\\pflege3b\\AppData\\Roaming',
};

const fromHklm = (value: string, type: 'REG_SZ' | 'REG_EXPAND_SZ' = 'REG_EXPAND_SZ') =>
  resolvePolicy([{ name: 'HKLM', kind: 'registry', values: new Map([['ProfileRoot', { type, value }]]) }]);

describe('ProfileRoot policy', () => {
  it('is not set by default (profiles in local app data)', () => {
    expect(resolvePolicy([]).values.profileRoot).toBeNull();
  });

  it('takes a per-account path from the registry as REG_EXPAND_SZ or REG_SZ, unexpanded', () => {
    for (const type of ['REG_EXPAND_SZ', 'REG_SZ'] as const) {
      const policy = fromHklm('D:\\Klinikfunk\\%USERNAME%', type);
      expect(policy.problems).toEqual([]);
      expect(policy.values.profileRoot).toBe('D:\\Klinikfunk\\%USERNAME%');
      expect(policy.managedBy.profileRoot).toBe('HKLM');
    }
  });

  it.each([
    ['\\\\fs01\\klinikfunk\\%USERNAME%', /network path/],
    ['//fs01/klinikfunk/%USERNAME%', /network path/],
    ['D:\\Klinikfunk', /per account/],
    ['Klinikfunk\\%USERNAME%', /absolute/],
    ['D:\\Klinikfunk\\%USERNAME%\\..\\..\\Windows', /\.\./],
    ['%LOCALAPPDATA\\Klinikfunk', /%/],
    // The account's own folders themselves: Chromium's caches and Local State would land in them, and
    // deleting "the data folder" (docs/it-rollout.md, uninstall) would delete the account's app data.
    ['%LOCALAPPDATA%', /folder of its own/],
    ['%USERPROFILE%\\', /folder of its own/],
    ['%appdata%/', /folder of its own/],
  ])('refuses %s with the reason, and falls back to the default', (value, reason) => {
    const policy = fromHklm(value);
    expect(policy.values.profileRoot).toBeNull();
    expect(policy.problems).toMatchObject([
      { key: 'profileRoot', reason: 'invalid_value', detail: expect.stringMatching(reason) },
    ]);
  });

  it('expands variables for the account, names case-insensitive as on Windows', () => {
    expect(expandProfileRoot('%localappdata%\\Klinikfunk\\Profile', WINDOWS_ENV, 'win32')).toEqual({
      ok: true,
      path: 'C:\\Users\\pflege3b\\AppData\\Local\\Klinikfunk\\Profile',
    });
    expect(expandProfileRoot('D:\\VDI\\%USERNAME%\\Klinikfunk\\', WINDOWS_ENV, 'win32')).toEqual({
      ok: true,
      path: 'D:\\VDI\\pflege3b\\Klinikfunk',
    });
    expect(expandProfileRoot('%HOME%/klinikfunk', { HOME: '/home/pflege' }, 'linux')).toEqual({
      ok: true,
      path: '/home/pflege/klinikfunk',
    });
  });

  it('refuses after expansion a network path, an unset variable and a relative result', () => {
    // Folder redirection puts %APPDATA% on a file server.
    expect(expandProfileRoot('%APPDATA%\\Klinikfunk', WINDOWS_ENV, 'win32')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/network path/),
    });
    expect(expandProfileRoot('%HOMEPATH%\\Klinikfunk', WINDOWS_ENV, 'win32')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/HOMEPATH.*not set/),
    });
    expect(expandProfileRoot('%USERNAME%\\Klinikfunk', WINDOWS_ENV, 'win32')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/absolute/),
    });
  });

  it('the schema and the expansion agree on what the value may look like', () => {
    expect(profileRootSchema.safeParse('%USERPROFILE%\\Klinikfunk').success).toBe(true);
    expect(profileRootSchema.safeParse('C:\\Klinikfunk\\%USERNAME%').success).toBe(true);
    expect(profileRootSchema.safeParse('x'.repeat(241)).success).toBe(false);
  });
});
