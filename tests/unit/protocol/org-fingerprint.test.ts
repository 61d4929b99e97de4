// Issue 18 item 3: one fingerprint format for an organisation, shown in the admin view and by the
// relay, pinned by policy OrgFingerprint / MSI ORGFINGERPRINT. Grouped, any case, typo-checked,
// and it works for org ids with `_` and `-` (half of all ids), which the old policy check refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { orgIdOf } from '@klinikfunk/crypto/records.ts';
import { resolvePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';
import { fingerprintMatches, orgFingerprint, parseOrgFingerprint } from '@klinikfunk/protocol/wire/org-fingerprint.ts';
import { orgKeysWithIdContaining } from '../../harness/org-keys.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let underscoreId: string;
let dashId: string;
let otherId: string;

beforeAll(async () => {
  underscoreId = orgIdOf((await orgKeysWithIdContaining(['_', '-'])).publicKey);
  dashId = orgIdOf((await orgKeysWithIdContaining(['-'])).publicKey);
  // Begins with `_`.
  otherId = orgIdOf((await orgKeysWithIdContaining(['_', '-'], 1)).publicKey);
});

const policyWith = (value: string) =>
  resolvePolicy([{ name: 'HKLM', kind: 'registry', values: new Map([['OrgFingerprint', { type: 'REG_SZ', value }]]) }]);

describe('organisation fingerprint', () => {
  it('is 9 groups of 4 Crockford characters, the same for the same org and different for another', () => {
    expect(underscoreId).toContain('_');
    expect(dashId).toContain('-');
    for (const id of [underscoreId, dashId, otherId])
      expect(orgFingerprint(id)).toMatch(/^([0-9A-HJKMNP-TV-Z]{4} ){8}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(orgFingerprint(underscoreId)).toBe(orgFingerprint(underscoreId));
    expect(new Set([underscoreId, dashId, otherId].map(orgFingerprint)).size).toBe(3);
  });

  it('matches when typed grouped, without spaces, with hyphens, in lower case or with O/I/L look-alikes', () => {
    for (const id of [underscoreId, dashId]) {
      const fp = orgFingerprint(id);
      const compact = fp.replace(/ /g, '');
      for (const typed of [
        fp,
        compact,
        fp.replace(/ /g, '-'),
        fp.toLowerCase(),
        `  ${compact.toLowerCase()}\t`,
        fp.replace(/0/g, 'O').replace(/1/g, 'l'),
      ]) {
        expect(parseOrgFingerprint(typed)).toEqual({ ok: true, kind: 'fingerprint', fingerprint: fp });
        expect(fingerprintMatches(typed, id)).toBe(true);
      }
      expect(fingerprintMatches(fp, otherId)).toBe(false);
    }
  });

  it('reads a fingerprint written with hyphens and one left out (43 characters, like an org id) as the fingerprint', () => {
    // 36 characters and 7 hyphens have the length and alphabet of a bare org id: read as one, such
    // a value never matched and the policy reported nothing wrong, so every join failed as "another organisation".
    for (const id of [underscoreId, dashId]) {
      const fp = orgFingerprint(id);
      const oneMissing = fp.replace(/ /g, '-').replace(/-(?=[^-]*$)/, '');
      expect(oneMissing).toHaveLength(43);
      expect(parseOrgFingerprint(oneMissing)).toEqual({ ok: true, kind: 'fingerprint', fingerprint: fp });
      expect(fingerprintMatches(oneMissing, id)).toBe(true);
      expect(fingerprintMatches(oneMissing.toLowerCase(), id)).toBe(true);
    }
  });

  it('catches every single mistyped character and every swap of two different neighbours', () => {
    const compact = orgFingerprint(underscoreId).replace(/ /g, '');
    for (let i = 0; i < compact.length; i++) {
      for (const c of ALPHABET) {
        if (c === compact[i]) continue;
        const typo = compact.slice(0, i) + c + compact.slice(i + 1);
        expect(parseOrgFingerprint(typo)).toMatchObject({ ok: false, problem: 'checksum' });
      }
      if (i + 1 < compact.length && compact[i] !== compact[i + 1]) {
        const swapped = compact.slice(0, i) + compact[i + 1]! + compact[i]! + compact.slice(i + 2);
        expect(parseOrgFingerprint(swapped)).toMatchObject({ ok: false, problem: 'checksum' });
      }
    }
  });

  it('names the problem: length (a registration key typed here), a character, the check group', () => {
    expect(parseOrgFingerprint('K7Q2-9XMD-0ABC-DEFG-HJKM-NPQR-STVW-XYZ1')).toMatchObject({
      ok: false,
      problem: 'length',
      message: expect.stringContaining('9 groups of 4'),
    });
    const fp = orgFingerprint(dashId);
    expect(parseOrgFingerprint(fp.replace(/^./, 'U'))).toMatchObject({
      ok: false,
      problem: 'character',
      message: expect.stringContaining('"U"'),
    });
    expect(parseOrgFingerprint(fp.slice(0, -1) + (fp.endsWith('0') ? '1' : '0'))).toMatchObject({
      ok: false,
      problem: 'checksum',
      message: expect.stringContaining('mistyped'),
    });
  });

  it('still honours the bare org id that earlier versions compared, exactly (case matters there)', () => {
    expect(fingerprintMatches(underscoreId, underscoreId)).toBe(true);
    expect(fingerprintMatches(dashId, dashId)).toBe(true);
    expect(fingerprintMatches(underscoreId, dashId)).toBe(false);
    const flipped = underscoreId.replace(/[a-z]/, (c) => c.toUpperCase());
    expect(fingerprintMatches(flipped, underscoreId)).toBe(false);
  });
});

describe('policy OrgFingerprint', () => {
  it('accepts the grouped fingerprint, compact and lower case, and bare org ids with _ and -', () => {
    for (const value of [
      orgFingerprint(underscoreId),
      orgFingerprint(dashId).replace(/ /g, '').toLowerCase(),
      underscoreId,
      dashId,
    ]) {
      const policy = policyWith(value);
      expect(policy.problems).toEqual([]);
      expect(policy.values.orgFingerprint).toBe(value);
    }
  });

  it('refuses a mistyped value with what is wrong, and keeps the key managed (no silent fall-through)', () => {
    const fp = orgFingerprint(underscoreId);
    const typo = fp.slice(0, 3) + (fp[3] === 'A' ? 'B' : 'A') + fp.slice(4);
    const policy = policyWith(typo);
    expect(policy.values.orgFingerprint).toBeNull();
    expect(policy.managedBy.orgFingerprint).toBe('HKLM');
    expect(policy.problems).toEqual([
      {
        source: 'HKLM',
        key: 'orgFingerprint',
        reason: 'invalid_value',
        detail: expect.stringContaining('check group'),
      },
    ]);
  });
});
