// Machine policy items 1 and 2 of issue 9 beyond resolve.test.ts: where the file lives per OS,
// every policy rejects a wrong registry type on its own (and the HKLM rule holds for each key),
// and the required policies exist.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { ALL_POLICIES, POLICY_REGISTRY_PATH } from '../../../apps/desktop/electron/core/policy/definitions.ts';
import { loadMachinePolicy, policyFilePath } from '../../../apps/desktop/electron/core/policy/load.ts';
import { FakeRegistry, type RegistryValue } from '../../../apps/desktop/electron/core/policy/registry.ts';
import { resolvePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';

const P = POLICY_REGISTRY_PATH;
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** For each policy: a valid registry value that differs from its default, and its JSON twin. */
const VALID: Record<string, { reg: RegistryValue; json: unknown }> = {
  relayUrl: { reg: { type: 'REG_SZ', value: 'wss://klinikfunk.klinik.local' }, json: 'wss://klinikfunk.klinik.local' },
  orgFingerprint: {
    reg: { type: 'REG_SZ', value: 'YF2D F42H CNV4 JBYB KA0J QWCF H289 XJKE Z6H8' },
    json: 'YF2D F42H CNV4 JBYB KA0J QWCF H289 XJKE Z6H8',
  },
  workstationPreset: { reg: { type: 'REG_SZ', value: 'reception' }, json: 'reception' },
  idleLockSeconds: { reg: { type: 'REG_DWORD', value: 120 }, json: 120 },
  pinMinLength: { reg: { type: 'REG_DWORD', value: 8 }, json: 8 },
  pinMaxAttempts: { reg: { type: 'REG_DWORD', value: 3 }, json: 3 },
  maxSessionHours: { reg: { type: 'REG_DWORD', value: 8 }, json: 8 },
  notificationContent: { reg: { type: 'REG_SZ', value: 'full' }, json: 'full' },
  contentProtection: { reg: { type: 'REG_DWORD', value: 0 }, json: false },
  clipboardClearSeconds: { reg: { type: 'REG_DWORD', value: 30 }, json: 30 },
  retentionDays: { reg: { type: 'REG_DWORD', value: 90 }, json: 90 },
  maxUploadMegabytes: { reg: { type: 'REG_DWORD', value: 20 }, json: 20 },
  blockedFileTypes: { reg: { type: 'REG_MULTI_SZ', value: ['exe'] }, json: ['exe'] },
  allowedFileTypes: { reg: { type: 'REG_MULTI_SZ', value: ['pdf'] }, json: ['pdf'] },
  disableAutoUpdate: { reg: { type: 'REG_DWORD', value: 0 }, json: false },
  relayCaCertificates: {
    reg: { type: 'REG_MULTI_SZ', value: ['C:\\ProgramData\\Klinikfunk\\klinik-ca.pem'] },
    json: ['C:\\ProgramData\\Klinikfunk\\klinik-ca.pem'],
  },
  proxyMode: { reg: { type: 'REG_SZ', value: 'direct' }, json: 'direct' },
  proxyServer: { reg: { type: 'REG_SZ', value: 'proxy.klinik.local:3128' }, json: 'proxy.klinik.local:3128' },
  profileRoot: {
    reg: { type: 'REG_EXPAND_SZ', value: 'D:\\Klinikfunk\\%USERNAME%' },
    json: 'D:\\Klinikfunk\\%USERNAME%',
  },
  uiLanguage: { reg: { type: 'REG_SZ', value: 'en' }, json: 'en' },
};

/** A registry type the policy's kind does not accept. */
const WRONG: Record<string, RegistryValue> = {
  string: { type: 'REG_DWORD', value: 1 },
  enum: { type: 'REG_DWORD', value: 1 },
  dword: { type: 'REG_SZ', value: '1' },
  boolean: { type: 'REG_SZ', value: '1' },
  list: { type: 'REG_DWORD', value: 1 },
};

describe('policy sources per platform', () => {
  it('the policy file is %ProgramData%\\Klinikfunk\\policy.json on Windows and /etc/klinikfunk/policy.json on Linux', () => {
    expect(policyFilePath({ platform: 'win32', programData: 'D:\\ProgramData' })).toBe(
      join('D:\\ProgramData', 'Klinikfunk', 'policy.json'),
    );
    expect(policyFilePath({ platform: 'win32' })).toBe(join('C:\\ProgramData', 'Klinikfunk', 'policy.json'));
    expect(policyFilePath({ platform: 'linux' })).toBe('/etc/klinikfunk/policy.json');
  });

  it('on Linux (no registry) the policy file applies and its keys are managed by "file"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kf-policy-linux-'));
    dirs.push(dir);
    const path = join(dir, 'policy.json');
    await writeFile(path, JSON.stringify({ relayUrl: 'wss://klinikfunk.klinik.local', pinMinLength: 8 }));
    const { logger } = createMemoryLogger();
    const policy = await loadMachinePolicy({ platform: 'linux', policyFile: path }, logger);
    expect(policy.values).toMatchObject({ relayUrl: 'wss://klinikfunk.klinik.local', pinMinLength: 8 });
    expect(policy.managedBy).toEqual({ relayUrl: 'file', pinMinLength: 'file' });
  });
});

describe('every policy on its own', () => {
  it.each(ALL_POLICIES.map((def) => [def.valueName, def] as const))(
    '%s: a wrong registry type is rejected with a reason, the default applies, HKCU and the file do not take over',
    async (_name, def) => {
      const valid = VALID[def.key];
      expect(valid, `test table lacks ${def.key}`).toBeDefined();
      const hklm = new Map([[def.valueName, WRONG[def.kind]!]]);
      const hkcu = new Map([[def.valueName, valid!.reg]]);
      const policy = resolvePolicy([
        { name: 'HKLM', kind: 'registry', values: hklm },
        { name: 'HKCU', kind: 'registry', values: hkcu },
        { name: 'file', kind: 'json', values: { [def.key]: valid!.json }, path: 'policy.json' },
      ]);
      expect(policy.problems).toContainEqual(
        expect.objectContaining({ source: 'HKLM', key: def.key, reason: 'wrong_type' }),
      );
      expect(policy.values[def.key as keyof typeof policy.values]).toEqual(def.defaultValue);
      expect(policy.managedBy[def.key as keyof typeof policy.managedBy]).toBe('HKLM');
      // Control: without the bad HKLM value the HKCU value would have applied.
      const withoutHklm = resolvePolicy([{ name: 'HKCU', kind: 'registry', values: hkcu }]);
      expect(withoutHklm.problems).toEqual([]);
      expect(withoutHklm.values[def.key as keyof typeof withoutHklm.values]).not.toEqual(def.defaultValue);
      // And the file alone too (its JSON twin is valid).
      const fileOnly = resolvePolicy([
        { name: 'file', kind: 'json', values: { [def.key]: valid!.json }, path: 'policy.json' },
      ]);
      expect(fileOnly.values[def.key as keyof typeof fileOnly.values]).toEqual(
        withoutHklm.values[def.key as keyof typeof withoutHklm.values],
      );
    },
  );

  it('an HKCU value with the wrong type does not fall back to the policy file either', async () => {
    const registry = new FakeRegistry().set('HKCU', P, 'PinMaxAttempts', { type: 'REG_SZ', value: '3' });
    const policy = resolvePolicy([
      { name: 'HKCU', kind: 'registry', values: await registry.readValues('HKCU', P) },
      { name: 'file', kind: 'json', values: { pinMaxAttempts: 3 }, path: 'policy.json' },
    ]);
    expect(policy.values.pinMaxAttempts).toBe(5);
    expect(policy.managedBy.pinMaxAttempts).toBe('HKCU');
  });

  it('covers every policy issue 9 names', () => {
    const keys = new Set(ALL_POLICIES.map((d) => d.key));
    for (const key of [
      'relayUrl',
      'orgFingerprint',
      'idleLockSeconds',
      'pinMinLength',
      'pinMaxAttempts',
      'maxSessionHours',
      'notificationContent',
      'contentProtection',
      'clipboardClearSeconds',
      'retentionDays',
      'maxUploadMegabytes',
      'blockedFileTypes',
      'disableAutoUpdate',
      'relayCaCertificates',
      'proxyMode',
      'proxyServer',
      'profileRoot',
      'uiLanguage',
    ]) {
      expect(keys.has(key), key).toBe(true);
    }
    expect(resolvePolicy([]).values.proxyMode).toBe('system');
    expect(resolvePolicy([]).values.disableAutoUpdate).toBe(true);
  });
});
