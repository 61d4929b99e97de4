import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { POLICY_REGISTRY_PATH } from '../../../apps/desktop/electron/core/policy/definitions.ts';
import { loadMachinePolicy, loadMachinePolicySync } from '../../../apps/desktop/electron/core/policy/load.ts';
import { FakeRegistry } from '../../../apps/desktop/electron/core/policy/registry.ts';
import { resolvePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';

const P = POLICY_REGISTRY_PATH;
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function policyFile(content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kf-policy-'));
  dirs.push(dir);
  const path = join(dir, 'policy.json');
  await writeFile(path, content);
  return path;
}

async function load(registry: FakeRegistry, fileContent?: string) {
  const { logger, records } = createMemoryLogger();
  const policyFilePath =
    fileContent === undefined ? join(tmpdir(), 'kf-no-such-policy.json') : await policyFile(fileContent);
  const policy = await loadMachinePolicy({ platform: 'win32', registry, policyFile: policyFilePath }, logger);
  return { policy, records };
}

describe('machine policy precedence', () => {
  it('uses built-in defaults when nothing is set, and nothing is managed', () => {
    const policy = resolvePolicy([]);
    expect(policy.values.idleLockSeconds).toBe(300);
    expect(policy.values.pinMaxAttempts).toBe(5);
    expect(policy.values.notificationContent).toBe('sender');
    expect(policy.values.relayUrl).toBeNull();
    expect(policy.managedBy).toEqual({});
  });

  it('HKLM beats HKCU beats the ProgramData file', async () => {
    const registry = new FakeRegistry()
      .set('HKLM', P, 'IdleLockSeconds', { type: 'REG_DWORD', value: 120 })
      .set('HKCU', P, 'IdleLockSeconds', { type: 'REG_DWORD', value: 900 })
      .set('HKCU', P, 'PinMinLength', { type: 'REG_DWORD', value: 8 });
    const { policy } = await load(
      registry,
      JSON.stringify({ idleLockSeconds: 60, pinMinLength: 10, clipboardClearSeconds: 15 }),
    );
    expect(policy.values.idleLockSeconds).toBe(120);
    expect(policy.managedBy.idleLockSeconds).toBe('HKLM');
    expect(policy.values.pinMinLength).toBe(8);
    expect(policy.managedBy.pinMinLength).toBe('HKCU');
    expect(policy.values.clipboardClearSeconds).toBe(15);
    expect(policy.managedBy.clipboardClearSeconds).toBe('file');
  });

  it('a wrong type in HKLM does not fall back to the HKCU value: the default applies and the key stays managed', async () => {
    const registry = new FakeRegistry()
      .set('HKLM', P, 'IdleLockSeconds', { type: 'REG_SZ', value: 'five minutes' })
      .set('HKCU', P, 'IdleLockSeconds', { type: 'REG_DWORD', value: 3600 });
    const { policy, records } = await load(registry);
    expect(policy.values.idleLockSeconds).toBe(300);
    expect(policy.managedBy.idleLockSeconds).toBe('HKLM');
    expect(policy.problems).toContainEqual(
      expect.objectContaining({ source: 'HKLM', key: 'idleLockSeconds', reason: 'wrong_type' }),
    );
    expect(records.some((r) => r.level === 'warn' && r.fields?.key === 'idleLockSeconds')).toBe(true);
  });

  it('an out-of-range value is rejected per key with a reason, other keys still apply', async () => {
    const registry = new FakeRegistry()
      .set('HKLM', P, 'PinMinLength', { type: 'REG_DWORD', value: 4 })
      .set('HKLM', P, 'PinMaxAttempts', { type: 'REG_DWORD', value: 3 });
    const { policy } = await load(registry);
    expect(policy.values.pinMinLength).toBe(6);
    expect(policy.values.pinMaxAttempts).toBe(3);
    expect(policy.problems).toContainEqual(expect.objectContaining({ key: 'pinMinLength', reason: 'invalid_value' }));
  });

  it('ignores unknown keys with a log line', async () => {
    const registry = new FakeRegistry().set('HKLM', P, 'EnableTelemetry', { type: 'REG_DWORD', value: 1 });
    const { policy, records } = await load(registry, JSON.stringify({ colourScheme: 'pink' }));
    expect(
      policy.problems
        .filter((p) => p.reason === 'unknown_key')
        .map((p) => p.key)
        .sort(),
    ).toEqual(['EnableTelemetry', 'colourScheme']);
    expect(records.filter((r) => r.message === 'unknown policy ignored')).toHaveLength(2);
  });

  it('reads registry value names case-insensitively and converts each registry type', async () => {
    const registry = new FakeRegistry()
      .set('HKLM', P, 'relayurl', { type: 'REG_SZ', value: 'wss://klinikfunk.klinik.local' })
      .set('HKLM', P, 'ContentProtection', { type: 'REG_DWORD', value: 0 })
      .set('HKLM', P, 'BlockedFileTypes', { type: 'REG_MULTI_SZ', value: ['EXE', '.bat'] })
      .set('HKLM', P, 'NotificationContent', { type: 'REG_SZ', value: 'none' });
    const { policy } = await load(registry);
    expect(policy.values.relayUrl).toBe('wss://klinikfunk.klinik.local');
    expect(policy.values.contentProtection).toBe(false);
    expect(policy.values.blockedFileTypes).toEqual(['exe', 'bat']);
    expect(policy.values.notificationContent).toBe('none');
  });

  it('rejects a boolean that is not 0 or 1 and an enum outside its options', async () => {
    const registry = new FakeRegistry()
      .set('HKLM', P, 'ContentProtection', { type: 'REG_DWORD', value: 2 })
      .set('HKLM', P, 'NotificationContent', { type: 'REG_SZ', value: 'everything' });
    const { policy } = await load(registry);
    expect(policy.values.contentProtection).toBe(true);
    expect(policy.values.notificationContent).toBe('sender');
    expect(policy.problems.map((p) => p.key).sort()).toEqual(['contentProtection', 'notificationContent']);
  });

  it('the reception preset changes defaults but not explicitly set values', async () => {
    const preset = await load(
      new FakeRegistry().set('HKLM', P, 'WorkstationPreset', { type: 'REG_SZ', value: 'reception' }),
    );
    expect(preset.policy.values.idleLockSeconds).toBe(60);
    expect(preset.policy.values.notificationContent).toBe('none');
    const explicit = await load(
      new FakeRegistry()
        .set('HKLM', P, 'WorkstationPreset', { type: 'REG_SZ', value: 'reception' })
        .set('HKLM', P, 'IdleLockSeconds', { type: 'REG_DWORD', value: 180 }),
    );
    expect(explicit.policy.values.idleLockSeconds).toBe(180);
  });

  it.each([
    ['not JSON', '{ relayUrl: '],
    ['an array', '[1,2]'],
    ['null', 'null'],
  ])('a policy file that is %s is ignored with a log line, never a crash', async (_label, content) => {
    const { policy, records } = await load(new FakeRegistry(), content);
    expect(policy.managedBy).toEqual({});
    expect(records.some((r) => r.message.startsWith('policy file ignored'))).toBe(true);
  });

  it('a wrong JSON type in the file is rejected per key', async () => {
    const { policy } = await load(new FakeRegistry(), JSON.stringify({ idleLockSeconds: '300', pinMinLength: 7 }));
    expect(policy.values.idleLockSeconds).toBe(300);
    expect(policy.values.pinMinLength).toBe(7);
    expect(policy.problems).toContainEqual(
      expect.objectContaining({ source: 'file', key: 'idleLockSeconds', reason: 'invalid_value' }),
    );
  });

  it('a registry that cannot be read is logged and the file still applies', async () => {
    const broken = { readValues: async () => Promise.reject(new Error('reg.exe missing')) };
    const { logger, records } = createMemoryLogger();
    const path = await policyFile(JSON.stringify({ pinMinLength: 9 }));
    const policy = await loadMachinePolicy({ platform: 'win32', registry: broken, policyFile: path }, logger);
    expect(policy.values.pinMinLength).toBe(9);
    expect(records.filter((r) => r.message === 'registry policy could not be read')).toHaveLength(2);
  });

  it('the blocking loader (read before Electron is ready, for ProfileRoot) resolves the same sources the same way', async () => {
    const registry = new FakeRegistry()
      .set('HKLM', P, 'ProfileRoot', { type: 'REG_EXPAND_SZ', value: 'D:\\Klinikfunk\\%USERNAME%' })
      .set('HKLM', P, 'IdleLockSeconds', { type: 'REG_SZ', value: '60' })
      .set('HKCU', P, 'PinMinLength', { type: 'REG_DWORD', value: 8 });
    const content = JSON.stringify({ pinMinLength: 10, retentionDays: 30, bogus: 1 });
    const asynchronous = await load(registry, content);
    const { logger, records } = createMemoryLogger();
    const path = await policyFile(content);
    const blocking = loadMachinePolicySync({ platform: 'win32', registry, policyFile: path }, logger);
    expect(blocking).toEqual(asynchronous.policy);
    expect(blocking.values).toMatchObject({
      profileRoot: 'D:\\Klinikfunk\\%USERNAME%',
      pinMinLength: 8,
      retentionDays: 30,
      idleLockSeconds: 300,
    });
    expect(records.map((r) => r.message)).toEqual(asynchronous.records.map((r) => r.message));

    const broken = {
      readValuesSync: () => {
        throw new Error('reg.exe missing');
      },
    };
    const { logger: brokenLog, records: brokenRecords } = createMemoryLogger();
    expect(
      loadMachinePolicySync({ platform: 'win32', registry: broken, policyFile: path }, brokenLog).values.retentionDays,
    ).toBe(30);
    expect(brokenRecords.filter((r) => r.message === 'registry policy could not be read')).toHaveLength(2);
  });
});
