import { beforeAll, describe, expect, it } from 'vitest';
import {
  exportOrgKeyBackup,
  openOrgKeyBackup,
  ORG_KEY_BACKUP_KDF,
} from '../../../apps/desktop/electron/core/account/org-key-backup.ts';
import { generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { orgIdOf } from '@klinikfunk/crypto/records.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';

const PASS = 'Tresor-im-Keller-2026';
let org: ReturnType<typeof generateOrgKeys>;
let orgId: string;
let text: string;

beforeAll(async () => {
  await readySodium();
  org = generateOrgKeys();
  orgId = orgIdOf(org.publicKey);
  text = JSON.stringify(
    exportOrgKeyBackup({
      orgId,
      orgName: 'Klinikum Nord',
      orgPublicKey: org.publicKey,
      orgSecret: org.secretKey,
      passphrase: PASS,
      now: Date.UTC(2026, 0, 5),
    }),
  );
});

const expected = () => ({ orgId, orgPublicKey: org.publicKey });
const edit = (change: (file: Record<string, unknown>) => void) => {
  const file = JSON.parse(text) as Record<string, unknown>;
  change(file);
  return JSON.stringify(file);
};

describe('organisation key backup', () => {
  it('round trips with the passphrase, with Argon2id above the profile floor', () => {
    const opened = openOrgKeyBackup(text, PASS, expected());
    expect(opened.ok && Buffer.from(opened.orgSecret).equals(Buffer.from(org.secretKey))).toBe(true);
    const file = JSON.parse(text) as { kdf: { opsLimit: number; memLimitBytes: number }; format: string };
    expect(file.format).toBe('klinikfunk-org-key-backup');
    expect(file.kdf).toMatchObject({
      opsLimit: ORG_KEY_BACKUP_KDF.opsLimit,
      memLimitBytes: ORG_KEY_BACKUP_KDF.memLimitBytes,
    });
    // The secret never appears in the file in any usual encoding.
    expect(text).not.toContain(Buffer.from(org.secretKey).toString('base64url'));
    expect(text).not.toContain(Buffer.from(org.secretKey).toString('hex'));
  });

  it('a wrong passphrase does not open it', () => {
    expect(openOrgKeyBackup(text, 'Tresor-im-Keller-2025', expected())).toEqual({
      ok: false,
      reason: 'wrong_passphrase',
    });
  });

  it('a backup of another organisation is refused before any key derivation', () => {
    const other = generateOrgKeys();
    expect(openOrgKeyBackup(text, PASS, { orgId: orgIdOf(other.publicKey), orgPublicKey: other.publicKey })).toEqual({
      ok: false,
      reason: 'wrong_org',
    });
  });

  it('a file claiming this org but holding a foreign key is refused', () => {
    const foreign = generateOrgKeys();
    const alien = JSON.stringify(
      exportOrgKeyBackup({
        orgId,
        orgName: 'x',
        orgPublicKey: foreign.publicKey,
        orgSecret: foreign.secretKey,
        passphrase: PASS,
        now: 0,
      }),
    );
    expect(openOrgKeyBackup(alien, PASS, expected())).toEqual({ ok: false, reason: 'wrong_org' });
    // Swapping in the right public key breaks the associated data instead.
    const forged = JSON.stringify({ ...JSON.parse(alien), orgPublicKey: JSON.parse(text).orgPublicKey });
    expect(openOrgKeyBackup(forged, PASS, expected())).toEqual({ ok: false, reason: 'wrong_passphrase' });
  });

  it('weaker KDF parameters edited into the file are refused or fail the AEAD', () => {
    const weak = edit((f) => ((f.kdf as Record<string, unknown>).memLimitBytes = 8 * 1024 * 1024));
    expect(openOrgKeyBackup(weak, PASS, expected())).toEqual({ ok: false, reason: 'weak_parameters' });
    const otherOps = edit((f) => ((f.kdf as Record<string, unknown>).opsLimit = 3));
    expect(openOrgKeyBackup(otherOps, PASS, expected())).toEqual({ ok: false, reason: 'wrong_passphrase' });
    const huge = edit((f) => ((f.kdf as Record<string, unknown>).memLimitBytes = 8 * 1024 * 1024 * 1024));
    expect(openOrgKeyBackup(huge, PASS, expected())).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each([
    ['not JSON', '{'],
    ['an unknown field', JSON.stringify({ ...{ extra: 1 } })],
    ['a truncated ciphertext', 'TRUNC'],
  ])('a damaged file (%s) is malformed, never a crash', (_label, content) => {
    const input = content === 'TRUNC' ? edit((f) => (f.ciphertextB64 = String(f.ciphertextB64).slice(0, 40))) : content;
    expect(openOrgKeyBackup(input, PASS, expected())).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a short passphrase and a secret that does not belong to the key', () => {
    expect(() =>
      exportOrgKeyBackup({
        orgId,
        orgName: 'x',
        orgPublicKey: org.publicKey,
        orgSecret: org.secretKey,
        passphrase: 'kurz',
        now: 0,
      }),
    ).toThrow(/shorter/);
    const other = generateOrgKeys();
    expect(() =>
      exportOrgKeyBackup({
        orgId,
        orgName: 'x',
        orgPublicKey: org.publicKey,
        orgSecret: other.secretKey,
        passphrase: PASS,
        now: 0,
      }),
    ).toThrow(/does not belong/);
  });
});
