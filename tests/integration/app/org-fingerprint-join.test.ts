// Issue 18 item 3: a workstation pinned with policy OrgFingerprint joins its organisation when the
// value is the grouped fingerprint (as the admin view and the relay show it, in any case), also
// when the org id contains `_` and `-`; it refuses another organisation and a mistyped value,
// each with a message that says what is wrong. Before, the grouped value made every join fail
// with not_permitted, and ids with `_` were refused by the policy check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { orgFingerprint } from '@klinikfunk/protocol/wire/org-fingerprint.ts';
import { deriveEnrolmentKeys, generateRegistrationCode } from '../../../apps/desktop/electron/core/crypto/enrolment.ts';
import { resolvePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';
import { startCoreClient } from '../../harness/core-client.ts';
import { orgKeysWithIdContaining } from '../../harness/org-keys.ts';
import { startTestRelay, TestOrg, type TestRelay } from '../../harness/relay.ts';

const PASS = 'Kaffeepause-Nachtdienst';

/** A registration key for a new user of the org, as the admin's letter carries it. */
function letter(org: TestOrg, name: string): string {
  const userId = org.addUser(name);
  const code = generateRegistrationCode();
  const derived = deriveEnrolmentKeys(code);
  if (!derived.ok) throw new Error('registration code');
  org.records.push(
    org.sign('enrolment', {
      orgId: org.orgId,
      userId,
      enrolmentId: derived.keys.enrolmentId,
      enrolmentPublicKey: toBase64Url(derived.keys.publicKey),
      expiresAt: Date.now() + 86_400_000,
      issuedAt: Date.now() - 1000,
    }),
  );
  return code;
}

const pinnedTo = (value: string) =>
  resolvePolicy([{ name: 'HKLM', kind: 'registry', values: new Map([['OrgFingerprint', { type: 'REG_SZ', value }]]) }]);

describe('joining with a pinned organisation fingerprint', () => {
  let org: TestOrg;
  let relay: TestRelay;
  const keys: string[] = [];

  beforeAll(async () => {
    // An org id with both `_` and `-`, the same on every run.
    org = await TestOrg.create(await orgKeysWithIdContaining(['_', '-']));
    org.records.push(
      org.sign('org_root', {
        orgId: org.orgId,
        name: 'Klinikum Süd',
        orgPublicKey: org.orgPublicKey,
        createdAt: Date.now(),
      }),
    );
    for (const name of ['Bernd Pflege', 'Clara Empfang', 'Dora Nacht', 'Emil Labor']) keys.push(letter(org, name));
    relay = await startTestRelay({ org, mode: 'process' });
  }, 60_000);
  afterAll(async () => {
    await relay?.dispose();
  });

  it('joins with the grouped fingerprint, and with it compact in lower case', async () => {
    expect(org.orgId).toMatch(/_/);
    expect(org.orgId).toMatch(/-/);
    const fp = orgFingerprint(org.orgId);
    for (const [i, value] of [fp, fp.replace(/ /g, '').toLowerCase()].entries()) {
      const station = await startCoreClient({ policy: pinnedTo(value) });
      try {
        const joined = await station.value('org.join', {
          registrationKey: keys[i]!,
          relayUrl: relay.url,
          passphrase: PASS,
        });
        expect(joined.displayName).toBe(['Bernd Pflege', 'Clara Empfang'][i]);
      } finally {
        await station.close();
      }
    }
  }, 60_000);

  it("refuses another organisation's fingerprint, naming both", async () => {
    const other = orgFingerprint(org.orgId.startsWith('A') ? `B${org.orgId.slice(1)}` : `A${org.orgId.slice(1)}`);
    const station = await startCoreClient({ policy: pinnedTo(other) });
    try {
      const refused = await station.call('org.join', {
        registrationKey: keys[2]!,
        relayUrl: relay.url,
        passphrase: PASS,
      });
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'not_permitted', message: expect.stringContaining(orgFingerprint(org.orgId)) },
      });
      expect(refused).toMatchObject({ error: { message: expect.stringContaining(other) } });
      expect((await station.value('session.status', {})).profiles).toEqual([]);
    } finally {
      await station.close();
    }
  }, 60_000);

  it('refuses a mistyped fingerprint before asking the relay, saying it is mistyped', async () => {
    const fp = orgFingerprint(org.orgId);
    const typo = (fp[0] === 'A' ? 'B' : 'A') + fp.slice(1);
    const station = await startCoreClient({ policy: pinnedTo(typo) });
    try {
      const refused = await station.call('org.join', {
        registrationKey: keys[3]!,
        relayUrl: relay.url,
        passphrase: PASS,
      });
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'not_permitted', message: expect.stringMatching(/OrgFingerprint.*mistyped/) },
      });
      expect((await station.value('session.status', {})).profiles).toEqual([]);
    } finally {
      await station.close();
    }
    // The letter was not used up: with the right pin it still works.
    const right = await startCoreClient({ policy: pinnedTo(fp) });
    try {
      expect(
        (await right.value('org.join', { registrationKey: keys[3]!, relayUrl: relay.url, passphrase: PASS }))
          .displayName,
      ).toBe('Emil Labor');
    } finally {
      await right.close();
    }
  }, 60_000);
});
