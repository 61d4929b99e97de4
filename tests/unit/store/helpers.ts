import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { asDbKey, type DbKey } from '@klinikfunk/crypto/keys.ts';

const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kf-store-'));
  dirs.push(dir);
  return dir;
}

export const randomKey = (): DbKey => asDbKey(new Uint8Array(randomBytes(32)));

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
