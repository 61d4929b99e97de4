// The relay decodes frame bytes with the one strict base64 (shared/protocol/bytes.ts): a second
// spelling of the same bytes (set bits after the last byte, a length no encoder writes) is a
// bad_frame, not quietly the same signature or payload. The relay's own Buffer decoding took them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authChallengeText } from '@klinikfunk/protocol/relay/frames.ts';
import { RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import { startTestRelay, TestOrg, type TestDevice, type TestRelay } from '../../harness/relay.ts';
import { RawClient } from './raw-client.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The same bytes, spelled with a set bit after the last byte (the text must end mid-byte). */
const secondSpelling = (text: string) => text.slice(0, -1) + ALPHABET[ALPHABET.indexOf(text.at(-1)!) | 1]!;

describe('relay frame bytes are strict base64url', () => {
  let org: TestOrg;
  let relay: TestRelay;
  let anna: TestDevice;
  let ben: TestDevice;

  beforeAll(async () => {
    org = await TestOrg.create();
    anna = org.addDevice(org.addUser('Anna'));
    ben = org.addDevice(org.addUser('Ben'));
    relay = await startTestRelay({ org });
  });
  afterAll(async () => {
    await relay.dispose();
  });

  it('refuses a second spelling of a valid auth signature', async () => {
    const raw = await RawClient.open(relay.url);
    try {
      raw.send({ t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: anna.deviceId });
      const challenge = await raw.next((f) => f.t === 'challenge');
      const signature = Buffer.from(
        anna.sign(new TextEncoder().encode(authChallengeText(String(challenge.nonce), anna.deviceId))),
      ).toString('base64url');
      const other = secondSpelling(signature);
      expect(Buffer.from(other, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
      expect(await raw.request({ t: 'auth', signature: other })).toMatchObject({ t: 'error', code: 'bad_frame' });
      // The canonical spelling of the same signature still gets in.
      expect(await raw.request({ t: 'auth', signature })).toMatchObject({ t: 'auth_ok' });
    } finally {
      raw.close();
    }
  });

  it('refuses mailbox payloads no encoder writes, and keeps the canonical one', async () => {
    const raw = await RawClient.open(relay.url);
    try {
      expect(await raw.authenticate(anna)).toMatchObject({ t: 'auth_ok' });
      const put = (messageId: string, payload: string) =>
        raw.request({ t: 'mail_put', toDeviceId: ben.deviceId, messageId, payload });
      for (const [messageId, payload] of [
        ['msgloose1', 'QR'],
        ['msgloose2', 'QUJ'],
        ['msgloose3', 'QUJDR'],
        ['msgloose4', 'QQ=='],
      ] as const)
        expect(await put(messageId, payload), payload).toMatchObject({ t: 'error', code: 'bad_frame' });
      expect(await put('msgstrict', 'QQ')).toMatchObject({ t: 'ok' });
    } finally {
      raw.close();
    }
  });
});
