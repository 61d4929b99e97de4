import { describe, expect, it } from 'vitest';
import {
  createRegQueryReader,
  createRegQuerySyncReader,
  parseRegQueryOutput,
} from '../../../apps/desktop/electron/core/policy/registry.ts';

// Captured shape of `reg query HKLM\Software\Policies\Klinikfunk` on Windows 11 (CRLF, four-space columns).
const SAMPLE = [
  '',
  'HKEY_LOCAL_MACHINE\\Software\\Policies\\Klinikfunk',
  '    RelayUrl    REG_SZ    wss://klinikfunk.klinik.local:8443',
  '    IdleLockSeconds    REG_DWORD    0x12c',
  '    ContentProtection    REG_DWORD    0x1',
  '    BlockedFileTypes    REG_MULTI_SZ    exe\\0bat\\0ps1',
  '    Display Name With Spaces    REG_SZ    Station 3 B',
  '    EmptyValue    REG_SZ    ',
  '    EmptyList    REG_MULTI_SZ    ',
  '',
  'HKEY_LOCAL_MACHINE\\Software\\Policies\\Klinikfunk\\Sub',
  '',
].join('\r\n');

describe('reg query parser', () => {
  it('reads strings, dwords in hex, multi-strings and names with spaces', () => {
    const values = parseRegQueryOutput(SAMPLE);
    expect(values.get('RelayUrl')).toEqual({ type: 'REG_SZ', value: 'wss://klinikfunk.klinik.local:8443' });
    expect(values.get('IdleLockSeconds')).toEqual({ type: 'REG_DWORD', value: 300 });
    expect(values.get('ContentProtection')).toEqual({ type: 'REG_DWORD', value: 1 });
    expect(values.get('BlockedFileTypes')).toEqual({ type: 'REG_MULTI_SZ', value: ['exe', 'bat', 'ps1'] });
    expect(values.get('Display Name With Spaces')).toEqual({ type: 'REG_SZ', value: 'Station 3 B' });
    expect(values.get('EmptyList')).toEqual({ type: 'REG_MULTI_SZ', value: [] });
    expect(values.size).toBe(7);
  });

  it('treats a missing key (reg.exe exit 1) as no values', async () => {
    const reader = createRegQueryReader(async () => ({ stdout: '', code: 1 }));
    expect((await reader.readValues('HKLM', 'Software\\Policies\\Klinikfunk')).size).toBe(0);
  });

  it('queries the hive and path it is asked for', async () => {
    const calls: string[][] = [];
    const reader = createRegQueryReader(async (_file, args) => {
      calls.push(args);
      return { stdout: SAMPLE, code: 0 };
    });
    const values = await reader.readValues('HKCU', 'Software\\Policies\\Klinikfunk');
    expect(calls).toEqual([['query', 'HKCU\\Software\\Policies\\Klinikfunk']]);
    expect(values.get('IdleLockSeconds')).toEqual({ type: 'REG_DWORD', value: 300 });
  });

  it('the blocking reader runs the same query and treats exit 1 as no values', () => {
    const calls: string[][] = [];
    const reader = createRegQuerySyncReader((_file, args) => {
      calls.push(args);
      return { stdout: SAMPLE, code: 0 };
    });
    expect(reader.readValuesSync('HKLM', 'Software\\Policies\\Klinikfunk').get('IdleLockSeconds')).toEqual({
      type: 'REG_DWORD',
      value: 300,
    });
    expect(calls).toEqual([['query', 'HKLM\\Software\\Policies\\Klinikfunk']]);
    expect(
      createRegQuerySyncReader(() => ({ stdout: '', code: 1 })).readValuesSync('HKCU', 'Software\\Policies\\Klinikfunk')
        .size,
    ).toBe(0);
  });

  it('ignores garbage lines', () => {
    expect(
      parseRegQueryOutput('ERROR: The system was unable to find the specified registry key or value.\r\n').size,
    ).toBe(0);
  });
});
