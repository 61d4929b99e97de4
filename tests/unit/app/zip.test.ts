// The support package's ZIP writer (apps/desktop/electron/core/app/zip.ts): entries come back byte for byte,
// compressed, with UTF-8 names; an archive without entries is still a valid ZIP.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { writeZip } from '../../../apps/desktop/electron/core/app/zip.ts';
import { readZip } from '../../harness/read-zip.ts';

describe('zip writer', () => {
  it('round-trips text and binary entries and compresses text', () => {
    const text = new TextEncoder().encode('{"level":"info"}\n'.repeat(10_000));
    const binary = new Uint8Array(randomBytes(70_000));
    const zip = writeZip([
      { name: 'support.json', data: text },
      { name: 'logs/klinikfunk.1.log', data: binary },
      { name: 'logs/größe.txt', data: new Uint8Array(0) },
    ]);
    const entries = readZip(zip);
    expect([...entries.keys()]).toEqual(['support.json', 'logs/klinikfunk.1.log', 'logs/größe.txt']);
    expect(Buffer.compare(entries.get('support.json')!, Buffer.from(text))).toBe(0);
    expect(Buffer.compare(entries.get('logs/klinikfunk.1.log')!, Buffer.from(binary))).toBe(0);
    expect(entries.get('logs/größe.txt')!.length).toBe(0);
    expect(zip.length).toBeLessThan(text.length / 10 + binary.length + 1_000);
  });

  it('writes an empty archive', () => {
    expect(readZip(writeZip([])).size).toBe(0);
  });
});
