// Enrolment lookup: a new device learns whom its registration key was made for, but only by
// proving it holds the enrolment key, and only while the enrolment is open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { deriveEnrolmentKeys, generateRegistrationCode } from '../../../apps/desktop/electron/core/crypto/enrolment.ts';
import { generateDeviceKeys } from '@klinikfunk/crypto/keys.ts';
import { signDetached } from '@klinikfunk/crypto/ed25519.ts';
import { lookupEnrolment } from '../../../apps/desktop/electron/core/transport/enrol-lookup.ts';
import { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import { startTestRelay, TestOrg, testId, type TestRelay } from '../../harness/relay.ts';

function enrolment(org: TestOrg, userId: string, expiresAt = Date.now() + 86_400_000) {
  const code = generateRegistrationCode();
  const derived = deriveEnrolmentKeys(code);
  if (!derived.ok) throw new Error('code');
  org.records.push(
    org.sign('enrolment', {
      orgId: org.orgId,
      userId,
      enrolmentId: derived.keys.enrolmentId,
      enrolmentPublicKey: toBase64Url(derived.keys.publicKey),
      expiresAt,
      issuedAt: Date.now() - 1000,
    }),
  );
  return { code, ...derived.keys };
}

describe('relay enrolment lookup', () => {
  let org: TestOrg;
  let relay: TestRelay;
  let open: ReturnType<typeof enrolment>;
  let expired: ReturnType<typeof enrolment>;
  let userId: string;

  beforeAll(async () => {
    org = await TestOrg.create();
    org.records.push(
      org.sign('org_root', {
        orgId: org.orgId,
        name: 'Praxis Süd',
        orgPublicKey: org.orgPublicKey,
        createdAt: Date.now(),
      }),
    );
    userId = org.addUser('Clara Empfang');
    open = enrolment(org, userId);
    expired = enrolment(org, userId, Date.now() + 1500);
    relay = await startTestRelay({ org });
    await new Promise((r) => setTimeout(r, 1600));
  });
  afterAll(async () => {
    await relay.dispose();
  });

  const lookup = (enrolmentId: string, secretKey: Uint8Array) =>
    lookupEnrolment(relay.url, { deviceId: testId('dev'), enrolmentId, sign: (m) => signDetached(m, secretKey) });

  it('answers the holder of an open enrolment key with org root, user and enrolment', async () => {
    const records = await lookup(open.enrolmentId, open.secretKey);
    expect(records.map((r) => r.type)).toEqual(['org_root', 'user', 'enrolment']);
    expect((records[1]!.body as { displayName: string }).displayName).toBe('Clara Empfang');
  });

  it('refuses a lookup signed with another key, without saying whether the enrolment exists', async () => {
    const stranger = generateDeviceKeys();
    await expect(lookup(open.enrolmentId, stranger.signing.secretKey)).rejects.toMatchObject({
      code: 'not_found',
      message: 'unknown registration key',
    });
    await expect(lookup('enrDOESNOTEXIST00', stranger.signing.secretKey)).rejects.toMatchObject({
      code: 'not_found',
      message: 'unknown registration key',
    });
  });

  it('refuses an expired enrolment', async () => {
    await expect(lookup(expired.enrolmentId, expired.secretKey)).rejects.toMatchObject({
      code: 'not_found',
      message: 'registration key expired',
    });
  });

  it('refuses an enrolment once a device used it', async () => {
    const keys = generateDeviceKeys();
    const deviceId = testId('dev');
    const { signRecord } = await import('@klinikfunk/crypto/records.ts');
    const certificate = signRecord(
      'device',
      {
        orgId: org.orgId,
        userId,
        deviceId,
        signingPublicKey: toBase64Url(keys.signing.publicKey),
        boxPublicKey: toBase64Url(keys.box.publicKey),
        label: 'Empfang',
        enrolmentId: open.enrolmentId,
        issuedAt: Date.now(),
        expiresAt: null,
      },
      { kind: 'enrolment', id: open.enrolmentId },
      open.secretKey,
    );
    // The first authentication with the self-signed certificate burns the enrolment.
    const transport = new RelayTransport({
      url: relay.url,
      deviceId,
      sign: (m) => signDetached(m, keys.signing.secretKey),
      certificate: () => certificate as unknown as Record<string, unknown>,
    });
    await transport.connect();
    await transport.close();
    await expect(lookup(open.enrolmentId, open.secretKey)).rejects.toMatchObject({
      code: 'not_found',
      message: 'registration key already used',
    });
  });
});
